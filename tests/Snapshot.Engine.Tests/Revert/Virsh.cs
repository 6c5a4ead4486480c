using System.Diagnostics;

namespace Snapshot.Engine.Tests.Revert;

/// <summary>Runs virsh on qemu:///system as a child process, arguments passed one by one.</summary>
internal static class Virsh
{
    public static string Run(params string[] arguments)
    {
        var start = new ProcessStartInfo("virsh") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("qemu:///system");
        foreach (var a in arguments)
            start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(120)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"virsh {string.Join(' ', arguments)} timed out");
        }
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"virsh {string.Join(' ', arguments)} failed: {stderr.Result.Trim()}");
        return stdout.Result.Trim();
    }

    /// <summary>An external snapshot with memory, as the issue's tests take it.</summary>
    public static void SnapshotWithMemory(string domain, string name, string directory) =>
        Run("snapshot-create-as", domain, name,
            "--memspec", $"file={Path.Combine(directory, name + ".mem")},snapshot=external",
            "--diskspec", $"vda,snapshot=external,file={Path.Combine(directory, name + ".qcow2")}");

    public static void DiskOnlySnapshot(string domain, string name, string directory) =>
        Run("snapshot-create-as", domain, name, "--disk-only",
            "--diskspec", $"vda,snapshot=external,file={Path.Combine(directory, name + ".qcow2")}");

    public static string CurrentName(string domain) => Run("snapshot-current", domain, "--name");
}
