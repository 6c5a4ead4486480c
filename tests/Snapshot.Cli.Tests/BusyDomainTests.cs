using System.Diagnostics;

namespace Snapshot.Cli.Tests;

/// <summary>
/// A changing command on a domain whose operation lock another process holds (flock(1) on the lock file, as a
/// running virt-snap would) exits 5 at once with one line; reads go through; the lock is free once the holder
/// is killed. On the host's libvirtd, with a defined domain of its own.
/// </summary>
public sealed class BusyDomainTests
{
    private const string Uri = "qemu:///system";

    [Fact]
    public async Task A_changing_command_on_a_locked_domain_exits_5_and_reads_go_through()
    {
        var name = "virtsnap-busy-" + Guid.NewGuid().ToString("N")[..8];
        var uuid = Guid.NewGuid();
        var xml = Path.Combine(Path.GetTempPath(), name + ".xml");
        await File.WriteAllTextAsync(xml, $"<domain type='qemu'><name>{name}</name><uuid>{uuid}</uuid><memory>65536</memory><os><type arch='x86_64'>hvm</type></os></domain>");
        Process? holder = null;
        try
        {
            Virsh.Run("-c", Uri, "define", xml).ExitCode.Should().Be(0);
            Directory.CreateDirectory("/run/virt-snap/locks");
            holder = Process.Start(new ProcessStartInfo("flock", ["-n", "-o", $"/run/virt-snap/locks/{uuid}.lock", "-c", "echo locked; exec sleep 300"])
            {
                RedirectStandardOutput = true,
            })!;
            (await holder.StandardOutput.ReadLineAsync()).Should().Be("locked");

            foreach (var command in new[] { "snapshot-delete", "snapshot-revert", "snapshot-current" })
            {
                var busy = VirtSnap.Run("-c", Uri, command, name, "nosnap");
                busy.ExitCode.Should().Be(5, command + ": " + busy.Err);
                busy.Err.Should().Be($"error: domain '{name}' is busy: another operation runs (its holder wrote no record); try again when it ends\n");
            }
            var json = VirtSnap.Run("-c", Uri, "snapshot-create-as", name, "s1", "--disk-only", "--json");
            json.ExitCode.Should().Be(5, json.Err);
            json.Out.Should().Contain("\"kind\":\"busy\"");
            var list = VirtSnap.Run("-c", Uri, "snapshot-list", name, "--name");
            list.ExitCode.Should().Be(0, list.Err);

            holder.Kill(entireProcessTree: true);
            await holder.WaitForExitAsync();
            var free = VirtSnap.Run("-c", Uri, "snapshot-delete", name, "nosnap");
            free.ExitCode.Should().Be(3, "the lock is free once its holder died: " + free.Err);
        }
        finally
        {
            if (holder is { HasExited: false })
                holder.Kill(entireProcessTree: true);
            holder?.Dispose();
            Virsh.Run("-c", Uri, "undefine", name);
            File.Delete(xml);
        }
    }
}
