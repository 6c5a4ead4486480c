using System.Runtime.Versioning;
using System.Xml.Linq;
using Snapshot.Interop;
using Snapshot.TestGuest;
using Xunit.Abstractions;

namespace Snapshot.Engine.Tests.Revert;

/// <summary>Reverts a real TCG test guest on each stack (Stack) to external snapshots taken by virsh.</summary>
[Collection("vm")]
[SupportedOSPlatform("linux")]
public sealed class ExternalRevertVmTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private static readonly string[] RunningToRunning = ["Stopped FromSnapshot", "Defined FromSnapshot", "Started FromSnapshot"];

    [Theory]
    [MemberData(nameof(Stack.Names), MemberType = typeof(Stack))]
    public async Task Reverting_brings_the_sequence_back_to_the_snapshot_then_to_its_child_then_discards_the_child(string stack)
    {
        await using var vm = await GuestEngine.StartAsync(stack, "revert-chain");
        var (guest, engine) = (vm.Guest, vm.Engine);
        using var events = new EventRecorder(engine, guest.DomainName);
        var dir = guest.Directory;

        await guest.WaitForSequenceAsync(s => s >= 3, Timeout);
        Virsh.SnapshotWithMemory(Stack.Named(stack), guest.DomainName, "s1", dir);
        var seq1 = guest.ReadDiskSequence(guest.DiskPath);
        var afterS1 = guest.Mark();
        await guest.WaitForSequenceAfterAsync(afterS1, s => s >= seq1 + 3, Timeout);
        Virsh.SnapshotWithMemory(Stack.Named(stack), guest.DomainName, "s2", dir);
        var seq2 = guest.ReadDiskSequence(Path.Combine(dir, "s1.qcow2"));
        seq2.Should().BeGreaterThan(seq1);
        await guest.WaitForSequenceAfterAsync(guest.Mark(), s => s >= seq2 + 3, Timeout);
        await events.TakeAsync();

        // The old process may still print a line (always ahead of s1) between the mark and its end.
        var mark = guest.Mark();
        var reverted = await engine.Domain(guest.DomainName).RevertAsync("s1");
        reverted.Name.Should().Be("s1");
        (await guest.WaitForSequenceAfterAsync(mark, s => s <= seq1 + 1, Timeout)).Should().Be(seq1 + 1);
        Virsh.CurrentName(Stack.Named(stack), guest.DomainName).Should().Be("s1");
        (await events.TakeAsync()).Should().Equal(RunningToRunning);
        guest.Domain.GetState().State.Should().Be(DomainState.Running);

        // From here the guest is paused before the mark, so only the reverted guest prints after it.
        mark = await PauseAndMarkAsync(guest, events);
        await engine.Domain(guest.DomainName).RevertAsync("s2");
        (await guest.SequenceAfterRevertAsync(mark, seq2, Timeout)).Should().Be(seq2 + 1);
        Virsh.CurrentName(Stack.Named(stack), guest.DomainName).Should().Be("s2");
        (await events.TakeAsync()).Should().Equal(RunningToRunning);
        var layerOnS2 = ActiveDisk(guest);
        layerOnS2.Should().EndWith(".s2-revert-1.qcow2");

        mark = await PauseAndMarkAsync(guest, events);
        await engine.Domain(guest.DomainName).RevertAsync("s1", new SnapshotRevertOptions { DiscardDescendants = true });
        (await guest.SequenceAfterRevertAsync(mark, seq1, Timeout)).Should().Be(seq1 + 1);
        (await events.TakeAsync()).Should().Equal(RunningToRunning, "paused to running is a new process too");
        (await engine.Domain(guest.DomainName).ListAsync()).Select(s => s.Name).Should().Equal("s1");
        File.Exists(Path.Combine(dir, "s2.mem")).Should().BeFalse("only the discarded s2 used it");
        File.Exists(Path.Combine(dir, "s2.qcow2")).Should().BeFalse("only the discarded s2 used it");
        File.Exists(layerOnS2).Should().BeFalse("it was a revert layer nothing names any more");
        File.Exists(Path.Combine(dir, "s1.mem")).Should().BeTrue();
        File.Exists(Path.Combine(dir, "s1.qcow2")).Should().BeTrue("s1 names it as its overlay");
        File.Exists(guest.DiskPath).Should().BeTrue("s1 froze it");
        ActiveDisk(guest).Should().MatchRegex(@"/disk\.s1-revert-[0-9]+\.qcow2$");
        guest.InconsistentLinesAfter(new LogMark(-1)).Should().BeEmpty();
    }

    [Theory]
    [MemberData(nameof(Stack.Names), MemberType = typeof(Stack))]
    public async Task Preflight_failures_leave_the_guest_running_and_events_follow_the_table(string stack)
    {
        var log = new OutputLogger(output);
        await using var vm = await GuestEngine.StartAsync(stack, "revert-states", log);
        var (guest, engine) = (vm.Guest, vm.Engine);
        using var events = new EventRecorder(engine, guest.DomainName);
        var name = guest.DomainName;
        var dir = guest.Directory;
        await guest.WaitForSequenceAsync(s => s >= 3, Timeout);
        Virsh.SnapshotWithMemory(Stack.Named(stack), name, "p1", dir);
        var seq1 = guest.ReadDiskSequence(guest.DiskPath);
        Virsh.DiskOnlySnapshot(Stack.Named(stack), name, "d1", dir);
        var memory = Path.Combine(dir, "p1.mem");
        var intact = Path.Combine(dir, "p1.mem.intact");
        File.Copy(memory, intact);
        await events.TakeAsync();

        await ExpectRefusalAsync(guest, engine, "p1", new SnapshotRevertOptions(), SnapshotErrorKind.NotFound, "does not exist",
            () => File.Move(memory, memory + ".away"), () => File.Move(memory + ".away", memory));
        await ExpectRefusalAsync(guest, engine, "p1", new SnapshotRevertOptions(), SnapshotErrorKind.BadInput, "incomplete",
            () => Overwrite(memory, "LibvirtQemudPart"u8.ToArray()), () => File.Copy(intact, memory, overwrite: true));
        await ExpectRefusalAsync(guest, engine, "p1", new SnapshotRevertOptions(), SnapshotErrorKind.BadInput, "truncated",
            () => Truncate(memory), () => File.Copy(intact, memory, overwrite: true));
        await ExpectRefusalAsync(guest, engine, "p1", new SnapshotRevertOptions(), SnapshotErrorKind.NotFound, "frozen image",
            () => File.Move(guest.DiskPath, guest.DiskPath + ".away"), () => File.Move(guest.DiskPath + ".away", guest.DiskPath));
        await ExpectRefusalAsync(guest, engine, "d1", new SnapshotRevertOptions { Target = RevertTarget.Running }, SnapshotErrorKind.BadInput, "pass Force",
            () => { }, () => { });
        (await events.TakeAsync(expectSome: false)).Should().BeEmpty("nothing was touched");

        // A memory stream that passes preflight but that QEMU cannot load: the revert fails after the
        // guest was stopped, and the guest comes back on its previous disks.
        var disks = ActiveDisk(guest);
        CorruptStream(memory);
        var failing = () => engine.Domain(name).RevertAsync("p1");
        (await failing.Should().ThrowAsync<SnapshotException>()).Which.Message.Should().Contain("defined again on its previous disks");
        File.Copy(intact, memory, overwrite: true);
        guest.Domain.GetState().State.Should().Be(DomainState.Running);
        ActiveDisk(guest).Should().Be(disks);
        Directory.GetFiles(dir, "*-revert-*").Should().BeEmpty("the overlays made for the failed revert are deleted");
        (await events.TakeAsync()).Should().StartWith("Stopped FromSnapshot");
        await guest.WaitForSequenceAfterAsync(guest.Mark(), _ => true, TimeSpan.FromSeconds(60));

        // running -> paused
        await engine.Domain(name).RevertAsync("p1", new SnapshotRevertOptions { Target = RevertTarget.Paused });
        guest.Domain.GetState().State.Should().Be(DomainState.Paused);
        (await events.TakeAsync()).Should().Equal("Stopped FromSnapshot", "Defined FromSnapshot", "Started FromSnapshot", "Suspended FromSnapshot");
        // paused -> running (a new QEMU process: stopped and started, not resumed)
        var mark = guest.Mark();
        await engine.Domain(name).RevertAsync("p1");
        (await guest.SequenceAfterRevertAsync(mark, seq1, Timeout)).Should().Be(seq1 + 1);
        (await events.TakeAsync()).Should().Equal(RunningToRunning);
        // running -> shut off (disk-only snapshot, as it was taken: defined only)
        await engine.Domain(name).RevertAsync("d1");
        guest.Domain.GetState().State.Should().Be(DomainState.Shutoff);
        (await events.TakeAsync()).Should().Equal("Stopped FromSnapshot", "Defined FromSnapshot");
        Virsh.CurrentName(Stack.Named(stack), name).Should().Be("d1");
        // shut off -> paused
        await engine.Domain(name).RevertAsync("p1", new SnapshotRevertOptions { Target = RevertTarget.Paused });
        guest.Domain.GetState().State.Should().Be(DomainState.Paused);
        (await events.TakeAsync()).Should().Equal("Defined FromSnapshot", "Started FromSnapshot", "Suspended FromSnapshot");
        // paused -> shut off, then shut off -> running
        await engine.Domain(name).RevertAsync("d1");
        (await events.TakeAsync()).Should().Equal("Stopped FromSnapshot", "Defined FromSnapshot");
        mark = guest.Mark();
        await engine.Domain(name).RevertAsync("p1");
        (await guest.SequenceAfterRevertAsync(mark, seq1, Timeout)).Should().Be(seq1 + 1);
        (await events.TakeAsync()).Should().Equal("Defined FromSnapshot", "Started FromSnapshot");
        // disk-only to running with --force: a fresh boot from its disks
        await engine.Domain(name).RevertAsync("d1", new SnapshotRevertOptions { Target = RevertTarget.Running, Force = true });
        guest.Domain.GetState().State.Should().Be(DomainState.Running);
        (await events.TakeAsync()).Should().Equal(RunningToRunning);
        guest.InconsistentLinesAfter(new LogMark(-1)).Should().BeEmpty();
        // Every start above waited for the raw events libvirt sends for it (RevertEvents.RawOfStart), none in vain.
        log.Lines.Should().NotContain(l => l.Contains("not seen within the wait", StringComparison.Ordinal));
    }

    private static async Task ExpectRefusalAsync(TestGuest.TestGuest guest, SnapshotEngine engine, string snapshot, SnapshotRevertOptions options,
        SnapshotErrorKind kind, string says, Action breakIt, Action repair)
    {
        var disks = ActiveDisk(guest);
        breakIt();
        try
        {
            var revert = () => engine.Domain(guest.DomainName).RevertAsync(snapshot, options);
            (await revert.Should().ThrowAsync<SnapshotException>()).Which.Should().Match<SnapshotException>(e => e.Kind == kind && e.Message.Contains(says));
        }
        finally
        {
            repair();
        }
        guest.Domain.GetState().State.Should().Be(DomainState.Running);
        ActiveDisk(guest).Should().Be(disks);
        var mark = guest.Mark();
        var latest = guest.LatestSequence();
        (await guest.FirstSequenceAfterAsync(mark, Timeout)).Should().BeGreaterThan(latest);
    }

    private static async Task<LogMark> PauseAndMarkAsync(TestGuest.TestGuest guest, EventRecorder events)
    {
        guest.Domain.Suspend();
        await events.TakeAsync();
        return guest.Mark();
    }

    internal static string ActiveDisk(TestGuest.TestGuest guest)
    {
        var xml = XElement.Parse(guest.Domain.GetXmlDesc());
        return (string)xml.Element("devices")!.Elements("disk").First().Element("source")!.Attribute("file")!;
    }

    private static void Overwrite(string path, byte[] bytes)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Write);
        stream.Write(bytes);
    }

    internal static void CorruptStream(string path)
    {
        var header = SaveImageHeader.Read(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Write);
        stream.Position = header.StreamOffset + 8;
        stream.Write(Enumerable.Repeat((byte)0x5A, 4096).ToArray());
    }

    private static void Truncate(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Write);
        stream.SetLength(stream.Length / 2);
    }
}
