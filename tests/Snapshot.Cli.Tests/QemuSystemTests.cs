namespace Snapshot.Cli.Tests;

/// <summary>
/// Against the host's libvirtd (qemu:///system, started by tests/run.sh's host setup): what needs a
/// real daemon, events from another client and the QEMU version lines.
/// </summary>
public sealed class QemuSystemTests
{
    private const string Uri = "qemu:///system";

    [Fact]
    public void Version_prints_what_virsh_prints()
    {
        var ours = VirtSnap.Run("-c", Uri, "version");
        var theirs = Virsh.Run("-c", Uri, "version");

        theirs.ExitCode.Should().Be(0, theirs.Err);
        ours.ExitCode.Should().Be(0, ours.Err);
        ours.Out.Should().Be(theirs.Out).And.StartWith("Compiled against library: libvirt ").And.Contain("Running hypervisor: QEMU ");
    }

    [Fact]
    public async Task Lifecycle_events_print_what_virsh_prints()
    {
        var name = "virt-snap-cli-event-" + Guid.NewGuid().ToString("N")[..8];
        var xml = Path.Combine(Path.GetTempPath(), name + ".xml");
        await File.WriteAllTextAsync(xml, $"<domain type='qemu'><name>{name}</name><uuid>{Guid.NewGuid()}</uuid><memory>65536</memory><os><type arch='x86_64'>hvm</type></os></domain>");
        try
        {
            Virsh.Run("-c", Uri, "define", xml).ExitCode.Should().Be(0);
            string[] args = ["-c", Uri, "event", name, "--event", "lifecycle", "--loop", "--timeout", "4"];
            var ours = Task.Run(() => VirtSnap.Run(args));
            var theirs = Task.Run(() => Virsh.Run(args));
            await Task.Delay(TimeSpan.FromSeconds(1.5));

            Virsh.Run("-c", Uri, "define", xml).ExitCode.Should().Be(0);
            Virsh.Run("-c", Uri, "undefine", name).ExitCode.Should().Be(0);

            var virsh = await theirs;
            var result = await ours;
            virsh.Out.Should().Be(
                $"event 'lifecycle' for domain '{name}': Defined Updated\n" +
                $"event 'lifecycle' for domain '{name}': Undefined Removed\n" +
                "event loop timed out\nevents received: 2\n\n");
            result.Err.Should().BeEmpty();
            result.ExitCode.Should().Be(0);
            result.Out.Should().Be(virsh.Out);
        }
        finally
        {
            Virsh.Run("-c", Uri, "undefine", name);
            File.Delete(xml);
        }
    }
}
