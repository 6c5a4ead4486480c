using System.Diagnostics;
using Xunit;

namespace Snapshot.TestGuest;

/// <summary>
/// A libvirt + QEMU pair the VM tests run on: the host's (Debian 12: libvirt 9.0, QEMU 7.2, started by
/// native/setup-host.sh) or the chroot's (bookworm-backports: libvirt 11.3, QEMU 10.0, made and started by
/// native/setup-stack2.sh). Theories take the stack's <see cref="Name"/> so that it shows in the test name.
/// </summary>
public sealed class Stack
{
    /// <summary>Overrides where native/setup-stack2.sh put the chroot (the same variable as the script's).</summary>
    public const string RootVariable = "VIRTSNAP_STACK2_ROOT";

    private Stack(string name, string uri, string? root)
    {
        Name = name;
        Uri = uri;
        Root = root;
    }

    /// <summary>The host's daemon.</summary>
    public static Stack Host { get; } = new("stack1-host", "qemu:///system", null);

    /// <summary>The chroot's daemon, reached through its socket (file descriptors pass, as on the host).</summary>
    public static Stack Backports { get; } = BackportsStack();

    public static IReadOnlyList<Stack> All { get; } = [Host, Backports];

    /// <summary>Every stack's name, for <c>[MemberData]</c>.</summary>
    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (var stack in All)
            data.Add(stack.Name);
        return data;
    }

    public static Stack Named(string name) =>
        All.FirstOrDefault(s => s.Name == name) ?? throw new ArgumentException($"no stack named {name}", nameof(name));

    public string Name { get; }

    /// <summary>The URI of this stack's daemon, from the host.</summary>
    public string Uri { get; }

    /// <summary>The chroot holding this stack's daemon and client, or null for the host's.</summary>
    public string? Root { get; }

    public override string ToString() => Name;

    /// <summary>
    /// Runs this stack's own virsh (the chroot's inside it) with <paramref name="arguments"/>. <see cref="Uri"/>
    /// among them becomes the URI the daemon has inside; other paths (a test:/// node file, images) must mean the
    /// same file inside, as the test guests' directory does.
    /// </summary>
    public ProcessStartInfo VirshStartInfo(IEnumerable<string> arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var start = new ProcessStartInfo(Root is null ? "virsh" : "chroot")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (Root is not null)
        {
            start.ArgumentList.Add(Root);
            start.ArgumentList.Add("virsh");
        }
        foreach (var argument in arguments)
            start.ArgumentList.Add(Root is not null && argument == Uri ? "qemu:///system" : argument);
        return start;
    }

    /// <summary>Runs this stack's virsh to its end: exit code, stdout, stderr.</summary>
    public (int ExitCode, string Out, string Err) RunVirsh(IEnumerable<string> arguments, TimeSpan? timeout = null)
    {
        var start = VirshStartInfo(arguments);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {start.FileName}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout ?? TimeSpan.FromSeconds(120)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Name}'s virsh {string.Join(' ', start.ArgumentList)} timed out");
        }
        process.WaitForExit();
        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    private static Stack BackportsStack()
    {
        var root = Environment.GetEnvironmentVariable(RootVariable);
        if (string.IsNullOrEmpty(root))
            root = "/var/lib/virt-snap/stack2";
        return new Stack("stack2-backports", $"qemu+unix:///system?socket={root}/run/libvirt/libvirt-sock", root);
    }
}
