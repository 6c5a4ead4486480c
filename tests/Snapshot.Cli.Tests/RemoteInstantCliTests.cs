using System.Text.Json;
using Snapshot.TestGuest;

namespace Snapshot.Cli.Tests;

/// <summary>
/// virt-snap's instant snapshot over a remote transport, where QEMU opens the memory file itself: a kill while QEMU
/// writes it is recovered by <c>snapshot-recover</c>, and QEMU 7.2 behind SSH is refused with exit 4.
/// </summary>
[Collection("vm")]
public sealed class RemoteInstantCliTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task An_instant_create_over_TCP_killed_while_QEMU_writes_the_file_is_rolled_back_by_snapshot_recover()
    {
        var remote = RemoteTarget.Tcp;
        await using var guest = await TestGuest.TestGuest.StartAsync(remote.Options(new TestGuestOptions { Purpose = "remote-kill" }));
        await guest.WaitForSequenceAsync(s => s >= 3, Wait);
        var capabilities = Capabilities(guest);
        var memory = guest.Directory + "/k.mem";
        var overlay = guest.Directory + "/k.qcow2";
        var start = VirtSnap.StartInfo("-c", remote.Uri, "snapshot-create-as", guest.DomainName, "k", "--instant",
            "--memspec", memory, "--diskspec", $"vda,file={overlay}");
        // Killed right after the disk switch that follows migrate on QEMU 10: QEMU has opened (and emptied) the
        // file, the header is not written yet.
        start.Environment["VIRTSNAP_TEST_KILL_AFTER"] = "instant-create:switch-disks-after-migrate";
        var killed = VirtSnap.RunProcess(start);
        killed.ExitCode.Should().Be(137, killed.Err);
        File.Exists(guest.LocalPath(memory)).Should().BeTrue("the killed run could not clean up");

        var result = VirtSnap.RunProcess(VirtSnap.StartInfo("-c", remote.Uri, "--json", "snapshot-recover", guest.DomainName));
        result.ExitCode.Should().Be(0, result.Err);
        using var doc = JsonDocument.Parse(result.Out);
        var recovered = doc.RootElement.GetProperty("data");
        recovered.GetProperty("outcome").GetString().Should().Be("rolled-back", result.Out);

        File.Exists(guest.LocalPath(memory)).Should().BeFalse($"QEMU's file of the killed run is deleted: {result.Out}");
        File.Exists(guest.LocalPath(overlay)).Should().BeTrue("the disk runs on its overlay: a valid chain, kept");
        guest.Domain.GetState().State.Should().Be(Snapshot.Interop.DomainState.Running);
        Capabilities(guest).Should().Be(capabilities, "the background-snapshot capability was turned off again");
        VirtSnap.Run("-c", remote.Uri, "snapshot-list", guest.DomainName, "--name").Out.Trim().Should().BeEmpty();
        var mark = guest.Mark();
        await guest.WaitForSequenceAfterAsync(mark, _ => true, Wait);
        guest.InconsistentLinesAfter(new LogMark(-1)).Should().BeEmpty();
    }

    // QMP's "return" only: libvirt numbers each reply's id.
    private static string Capabilities(TestGuest.TestGuest guest)
    {
        using var doc = JsonDocument.Parse(guest.Domain.QemuMonitorCommand("{\"execute\":\"query-migrate-capabilities\"}"));
        return doc.RootElement.GetProperty("return").GetRawText();
    }

    [Fact]
    public async Task Over_SSH_to_QEMU_7_2_instant_exits_4_with_one_line_and_nothing_changes()
    {
        await using var guest = await TestGuest.TestGuest.StartAsync(new TestGuestOptions { Uri = Stack.Host.Uri, Purpose = "remote-72-cli" });
        var files = Directory.GetFiles(guest.Directory).Order(StringComparer.Ordinal).ToList();

        var refused = VirtSnap.Run("-c", RemoteTarget.HostDaemonSshUri, "snapshot-create-as", guest.DomainName, "no", "--instant",
            "--memspec", Path.Combine(guest.Directory, "no.mem"));

        refused.ExitCode.Should().Be(4, refused.Err);
        refused.Err.Should().MatchRegex(@"^error: cannot take an instant snapshot of domain '[^']+': the connection qemu\+ssh://\S+ cannot pass file descriptors to QEMU, and QEMU 7\.2\.\d+ cannot open the memory file itself \(QEMU 8\.2 and later can\); run virt-snap on the hypervisor instead, e\.g\. ssh HOST virt-snap [^\n]*\n$");
        refused.Out.Trim().Should().BeEmpty("nothing but virsh's blank line: no snapshot was made");
        Directory.GetFiles(guest.Directory).Order(StringComparer.Ordinal).Should().Equal(files);
        VirtSnap.Run("-c", Stack.Host.Uri, "snapshot-list", guest.DomainName, "--name").Out.Trim().Should().BeEmpty();
        guest.Domain.GetState().State.Should().Be(Snapshot.Interop.DomainState.Running);
    }
}
