using System.Diagnostics;
using System.Text;

namespace Snapshot.Package.Tests;

/// <summary>What a child process printed.</summary>
internal sealed record ProcessOutput(int ExitCode, string Out, string Err)
{
    public override string ToString() => $"exit code {ExitCode}\n--- stdout\n{Out}\n--- stderr\n{Err}";
}

/// <summary>
/// Runs <c>dotnet</c> (and installed tools) as child processes, clean of the MSBuild and test-host state
/// that <c>dotnet test</c> leaves in this process's environment, with a private NuGet packages folder.
/// </summary>
internal static class DotnetCli
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(4);

    /// <summary>The dotnet executable running this test host, else the one on PATH.</summary>
    public static string Executable { get; } = FindDotnet();

    public static ProcessOutput Run(string workingDirectory, IReadOnlyDictionary<string, string> environment, params string[] args) =>
        RunProcess(Executable, workingDirectory, environment, args);

    public static ProcessOutput RunProcess(string fileName, string workingDirectory, IReadOnlyDictionary<string, string> environment, params string[] args) =>
        RunProcess(fileName, workingDirectory, environment, Timeout, args);

    public static ProcessOutput RunProcess(string fileName, string workingDirectory, IReadOnlyDictionary<string, string> environment, TimeSpan timeout, params string[] args)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        Clean(start.Environment);
        foreach (var (key, value) in environment)
            start.Environment[key] = value;

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', args)} ran longer than {timeout}");
        }
        process.WaitForExit();
        return new ProcessOutput(process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>
    /// Drops what an outer dotnet/MSBuild/vstest put in the environment: MSBuildExtensionsPath, MSBuildSDKsPath,
    /// MSBUILD_EXE_PATH and friends would point the child at the outer SDK's state.
    /// </summary>
    private static void Clean(IDictionary<string, string?> environment)
    {
        foreach (var key in environment.Keys.ToList())
        {
            if (key.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase)
                || key.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)
                || key.StartsWith("TESTINGPLATFORM", StringComparison.OrdinalIgnoreCase)
                || key.Equals("DOTNET_HOST_PATH", StringComparison.OrdinalIgnoreCase)
                || key.Equals("DOTNET_ROOT_X64", StringComparison.OrdinalIgnoreCase))
            {
                environment.Remove(key);
            }
        }
        // No build servers left running after the test; no first-run banners in the output.
        environment["MSBUILDDISABLENODEREUSE"] = "1";
        environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        environment["UseSharedCompilation"] = "false";
        environment["DOTNET_NOLOGO"] = "1";
        environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
    }

    private static string FindDotnet()
    {
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(host) && File.Exists(host))
            return host;
        var self = Environment.ProcessPath;
        if (self is not null && Path.GetFileNameWithoutExtension(self) == "dotnet")
            return self;
        return "dotnet";
    }
}
