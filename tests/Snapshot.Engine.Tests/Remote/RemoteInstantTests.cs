using System.Runtime.Versioning;
using System.Text;
using Snapshot.Interop;
using Snapshot.TestGuest;
using Xunit.Abstractions;
using static Snapshot.Engine.Tests.Instant.InstantHelpers;

namespace Snapshot.Engine.Tests.Remote;

/// <summary>
/// Instant snapshots over qemu+ssh and qemu+tcp, where no descriptor can travel: QEMU 10.0 opens the memory file
/// itself, the header is written, checked and read through libvirt's storage API (the images exist only inside the
/// second stack's root); QEMU 7.2 behind the same sshd is refused before anything changes.
/// </summary>
[Collection("vm")]
[SupportedOSPlatform("linux")]
public sealed class RemoteInstantTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Theory]
    [MemberData(nameof(RemoteTarget.Names), MemberType = typeof(RemoteTarget))]
    public async Task An_instant_snapshot_over_a_remote_transport_pauses_the_guest_briefly_and_reverts_to_its_point(string target)
    {
        var remote = RemoteTarget.Named(target);
        await using var guest = await TestGuest.TestGuest.StartAsync(remote.Options(new TestGuestOptions
        {
            MemoryMiB = 512, FillMiB = 256, RewriteMiBPerSecond = 32, TickMilliseconds = 100, Purpose = "remote-instant",
        }));
        Directory.Exists(guest.Directory).Should().BeFalse("the images are only on the hypervisor's side");
        await guest.WaitForSequenceAsync(s => s >= 3, Timeout);
        var log = new OutputLogger(output);
        using var engine = SnapshotEngine.Connect(remote.Uri, log);
        var domain = engine.Domain(guest.DomainName);
        var memory = guest.Directory + "/i1.mem";
        SnapshotPoint? point = null;

        var info = await domain.CreateAsync(InstantRequest("i1", memory) with { OnSnapshotPoint = p => point = p });

        point.Should().NotBeNull();
        output.WriteLine($"{target}: guest paused {point!.GuestPause.TotalMilliseconds:0.0} ms (libvirt's lifecycle events)");
        point.GuestPause.Should().BeGreaterThan(TimeSpan.Zero);
        point.GuestPause.Should().BeLessThan(TimeSpan.FromSeconds(1));
        info.MemoryFile.Should().Be(memory);
        info.Location.Should().Be(SnapshotLocation.External);
        var local = guest.LocalPath(memory);
        var magic = new byte[16];
        await using (var f = File.OpenRead(local))
            f.ReadExactly(magic);
        Encoding.ASCII.GetString(magic).Should().Be("LibvirtQemudSave");
        File.GetUnixFileMode(local).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        // QEMU's process is the hypervisor's: even where it happens to be on this host (loopback), it is left alone.
        log.Lines.Should().Contain(l => l.Contains("collapse: skipped, the connection is remote", StringComparison.Ordinal));

        await RevertsToThePointAsync(guest, domain, "i1", output, Timeout);
    }

    [Fact]
    public async Task Over_SSH_to_QEMU_7_2_an_instant_snapshot_is_refused_with_one_line_and_nothing_changes()
    {
        await using var guest = await TestGuest.TestGuest.StartAsync(new TestGuestOptions { Uri = Stack.Host.Uri, Purpose = "remote-72" });
        using var engine = SnapshotEngine.Connect(RemoteTarget.HostDaemonSshUri);
        engine.GetVersions().Hypervisor.Major.Should().Be(7, "the host's daemon answers behind the sshd");
        var memory = Path.Combine(guest.Directory, "never.mem");
        var unchanged = Unchanged(guest);

        var create = () => engine.Domain(guest.DomainName).CreateAsync(InstantRequest("refused", memory));

        var refusal = (await create.Should().ThrowAsync<SnapshotException>()).Which;
        output.WriteLine(refusal.Message);
        refusal.Kind.Should().Be(SnapshotErrorKind.NotSupported);
        refusal.Message.Should().Contain("cannot pass file descriptors").And.Contain("QEMU 7.2").And.Contain("ssh HOST virt-snap");
        refusal.Message.Should().NotContain("\n");
        unchanged();
    }
}
