using System.Diagnostics;
using System.Text;
using System.Xml.Linq;
using Snapshot.Interop;
using Snapshot.TestGuest;
using Xunit.Abstractions;
using static Snapshot.Engine.Tests.Instant.InstantHelpers;

namespace Snapshot.Engine.Tests.Instant;

[Collection("vm")]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class InstantSnapshotTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Theory]
    [MemberData(nameof(Stack.Names), MemberType = typeof(Stack))]
    public async Task An_instant_snapshot_of_a_busy_1GiB_guest_pauses_it_briefly_and_restores_to_the_moment_of_the_request(string stack)
    {
        await using var guest = await TestGuest.TestGuest.StartAsync(new TestGuestOptions
        {
            Uri = Stack.Named(stack).Uri,
            MemoryMiB = 1024, FillMiB = 768, RewriteMiBPerSecond = 64, TickMilliseconds = 100, Purpose = "instant",
        });
        output.WriteLine($"boot {guest.BootTime.TotalSeconds:0.0} s");
        await guest.WaitForSequenceAsync(s => s >= 3, Timeout);
        using var engine = new SnapshotEngine(guest.Connection);
        var memoryFile = Path.Combine(guest.Directory, "instant.mem");
        var clock = Stopwatch.StartNew();
        SnapshotPoint? point = null;
        TimeSpan pointSeenAt = default;
        Task<SnapshotInfo>? create = null;
        var createDoneAtEvent = true;
        var atPoint = -1L;
        var request = InstantRequest("inst & 'one'", memoryFile) with
        {
            OnSnapshotPoint = p =>
            {
                point = p;
                pointSeenAt = clock.Elapsed;
                atPoint = guest.LatestSequence();
                createDoneAtEvent = create?.IsCompleted ?? false;
                // A caller's bug must not stop the snapshot: the engine logs it and goes on.
                throw new InvalidOperationException("the caller's callback failed");
            },
        };
        var progress = new List<SnapshotProgress>();

        var before = guest.LatestSequence();
        clock.Restart();
        create = engine.Domain(guest.DomainName).CreateAsync(request, new SyncProgress(progress.Add));
        var info = await create;
        var total = clock.Elapsed;
        var atEnd = guest.LatestSequence();

        point.Should().NotBeNull("OnSnapshotPoint is called before the memory write ends");
        createDoneAtEvent.Should().BeFalse();
        output.WriteLine($"point taken {(point!.TakenAt - point.RequestedAt).TotalMilliseconds:0.0} ms after the request, " +
            $"event at {pointSeenAt.TotalMilliseconds:0} ms, guest paused {point.GuestPause.TotalMilliseconds:0.0} ms, create done {total.TotalMilliseconds:0} ms");
        point.GuestPause.Should().BeLessThan(TimeSpan.FromSeconds(1));
        point.GuestPause.Should().BeGreaterThan(TimeSpan.Zero);
        (total - pointSeenAt).Should().BeGreaterThan(point.GuestPause, "the memory write goes on after the guest resumed");
        progress.Should().NotBeEmpty();
        progress[^1].BytesDone.Should().BeGreaterThan(700L << 20);

        info.Name.Should().Be("inst & 'one'");
        info.Location.Should().Be(SnapshotLocation.External);
        info.MemoryFile.Should().Be(memoryFile);
        info.State.Should().Be(SnapshotState.Running);
        info.IsCurrent.Should().BeTrue();
        info.HasDomainDefinition.Should().BeTrue();
        var overlay = Path.Combine(guest.Directory, "disk.inst & 'one'");
        info.Disks.Should().ContainSingle().Which.File.Should().Be(overlay);

        // The file: complete magic, owner-only.
        var header = new byte[16];
        await using (var f = File.OpenRead(memoryFile))
            f.ReadExactly(header);
        Encoding.ASCII.GetString(header).Should().Be("LibvirtQemudSave");
        File.GetUnixFileMode(memoryFile).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite);

        // What every libvirt client sees: an external snapshot, the current one.
        Virsh(Stack.Named(stack), "snapshot-list", guest.DomainName, "--external", "--name").Should().Contain("inst & 'one'");
        Virsh(Stack.Named(stack), "snapshot-current", guest.DomainName, "--name").Trim().Should().Be("inst & 'one'");
        Virsh(Stack.Named(stack), "snapshot-info", guest.DomainName, "inst & 'one'").Should().MatchRegex(@"Location:\s+external");

        // The guest went on running on the overlay, and the frozen image holds the number of the snapshot point.
        guest.Domain.GetState().State.Should().Be(DomainState.Running);
        DiskChain(guest).Should().Be((overlay, guest.DiskPath));
        await guest.WaitForSequenceAsync(s => s > before + 5, Timeout);
        var frozen = guest.ReadDiskSequence(guest.DiskPath);
        output.WriteLine($"seq before the request {before}, at the point's callback {atPoint}, on the frozen image {frozen}, after the write {atEnd}");
        // The frozen image holds the moment of the pause (the workload writes N, then prints it: one ahead at most),
        // long before the write ended; how soon the pause follows the request is a benchmark's figure, not a test's.
        frozen.Should().BeInRange(before, atPoint + 1);
        frozen.Should().BeLessThan(atEnd - 3, "the snapshot point is the request, not the end of the memory write");

        // Revert by hand: a fresh overlay on the frozen image, the memory file restored with it.
        guest.Domain.Destroy();
        var fresh = Path.Combine(guest.Directory, "fresh.qcow2");
        Run("qemu-img", "create", "-q", "-f", "qcow2", "-F", "qcow2", "-b", guest.DiskPath, fresh);
        var xml = XElement.Parse(guest.Connection.GetSaveImageXml(memoryFile, DomainXmlFlags.Secure));
        xml.Element("devices")!.Element("disk")!.Element("source")!.Attribute("file")!.Value.Should().Be(guest.DiskPath);
        xml.Element("devices")!.Element("disk")!.Element("source")!.SetAttributeValue("file", fresh);
        // The saved definition says "no backing store" for the image it froze; the fresh overlay has one.
        xml.Element("devices")!.Element("disk")!.Element("backingStore")?.Remove();
        var mark = guest.Mark();
        guest.Connection.RestoreDomain(memoryFile, xml.ToString());
        // A snapshot point between the workload's write of block N and its seq=N line restores a guest that prints
        // that line first (passed over); then it goes on with N+1. Memory and disk come from the same instant, which
        // the workload checks before every write (no INCONSISTENT line).
        var first = await guest.SequenceAfterRevertAsync(mark, frozen, Timeout);
        first.Should().Be(frozen + 1, "the guest resumes at the snapshot point");
        await guest.WaitForSequenceAfterAsync(mark, s => s >= first + 3, Timeout);
        guest.InconsistentLinesAfter(mark).Should().BeEmpty();
    }

    private sealed class SyncProgress(Action<SnapshotProgress> report) : IProgress<SnapshotProgress>
    {
        public void Report(SnapshotProgress value) => report(value);
    }
}
