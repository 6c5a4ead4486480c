using System.Diagnostics;

namespace Snapshot.TestGuest;

/// <summary>Runs a tool with an argument list (never a shell string) and fails loudly.</summary>
internal static class ProcessRunner
{
    public static string Run(string fileName, IEnumerable<string> arguments, TimeSpan? timeout = null)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
            startInfo.ArgumentList.Add(argument);
        var commandLine = $"{fileName} {string.Join(' ', startInfo.ArgumentList)}";

        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"could not start {commandLine}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout ?? TimeSpan.FromSeconds(60)))
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
            }
            throw new TimeoutException($"{commandLine} did not finish in time");
        }
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{commandLine} exited with {process.ExitCode}: {stderr.Result.Trim()} {stdout.Result.Trim()}");
        return stdout.Result;
    }
}
