namespace Snapshot.Engine.Tests.Revert;

/// <summary>Runs a stack's own virsh on its daemon as a child process, arguments passed one by one.</summary>
internal static class Virsh
{
    public static string Run(TestGuest.Stack stack, params string[] arguments)
    {
        var (code, output, error) = stack.RunVirsh(["-c", stack.Uri, .. arguments]);
        if (code != 0)
            throw new InvalidOperationException($"{stack}'s virsh {string.Join(' ', arguments)} failed: {error.Trim()}");
        return output.Trim();
    }

    /// <summary>An external snapshot with memory, as the issue's tests take it.</summary>
    public static void SnapshotWithMemory(TestGuest.Stack stack, string domain, string name, string directory) =>
        Run(stack, "snapshot-create-as", domain, name,
            "--memspec", $"file={Path.Combine(directory, name + ".mem")},snapshot=external",
            "--diskspec", $"vda,snapshot=external,file={Path.Combine(directory, name + ".qcow2")}");

    public static void DiskOnlySnapshot(TestGuest.Stack stack, string domain, string name, string directory) =>
        Run(stack, "snapshot-create-as", domain, name, "--disk-only",
            "--diskspec", $"vda,snapshot=external,file={Path.Combine(directory, name + ".qcow2")}");

    public static string CurrentName(TestGuest.Stack stack, string domain) => Run(stack, "snapshot-current", domain, "--name");
}
