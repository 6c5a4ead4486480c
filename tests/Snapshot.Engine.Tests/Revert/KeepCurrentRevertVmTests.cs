using System.Runtime.Versioning;
using Snapshot.Interop;
using Snapshot.TestGuest;

namespace Snapshot.Engine.Tests.Revert;

/// <summary>
/// Revert with keep-current on a real TCG guest on each stack: the state left is a snapshot, and reverting to it
/// later brings the guest back to where it was (its counter), also after other reverts in between; a shut-off
/// domain keeps its disks' state as a disk-only snapshot.
/// </summary>
[Collection("vm")]
[SupportedOSPlatform("linux")]
public sealed class KeepCurrentRevertVmTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Theory]
    [MemberData(nameof(Stack.Names), MemberType = typeof(Stack))]
    public async Task Reverting_to_the_kept_snapshot_goes_on_from_where_the_guest_was(string stack)
    {
        await using var vm = await GuestEngine.StartAsync(stack, "keep-current");
        var (guest, d) = (vm.Guest, vm.Domain);
        var dir = guest.Directory;
        await guest.WaitForSequenceAsync(s => s >= 3, Timeout);
        await d.CreateAsync(vm.External("s1"));
        var seq1 = guest.ReadDiskSequence(guest.DiskPath);
        await guest.WaitForSequenceAfterAsync(guest.Mark(), s => s >= seq1 + 5, Timeout);

        // Keep the state at N, go back to s1.
        var before = guest.LatestSequence();
        var mark = guest.Mark();
        var done = await d.RevertKeepingCurrentAsync("s1", "left");
        (await guest.WaitForSequenceAfterAsync(mark, s => s <= seq1 + 1, Timeout)).Should().Be(seq1 + 1);
        done.Reverted.Name.Should().Be("s1");
        done.Reverted.IsCurrent.Should().BeTrue();
        done.Kept.Name.Should().Be("left");
        done.Kept.State.Should().Be(SnapshotState.Running);
        done.Kept.Parent.Should().Be("s1");
        done.Kept.MemoryFile.Should().Be(Path.Combine(dir, "s1.left.mem"));
        done.Kept.Disks.Should().ContainSingle().Which.File.Should().Be(Path.Combine(dir, "s1.left.qcow2"));
        var kept = guest.ReadDiskSequence(Path.Combine(dir, "s1.qcow2"));
        // Bounded by what the guest printed, not by a clock: no earlier than the request, no later than the last
        // number the left guest printed before the reverted one took over (a loaded machine stretches that window).
        var left = guest.LinesAfter(mark).Select(SerialLog.ParseSequence).OfType<long>().TakeWhile(s => s > seq1 + 1).DefaultIfEmpty(before).Max();
        kept.Should().BeInRange(before, left + 1, "the kept snapshot is taken when it is asked for, before the revert");

        // Another revert in between, itself keeping (a default name), then back to the kept state.
        var second = await d.RevertKeepingCurrentAsync("s1");
        second.Kept.Name.Should().MatchRegex("^pre-revert-[0-9]{8}T[0-9]{6}Z$");
        guest.Domain.Suspend();
        await Task.Delay(500);
        mark = guest.Mark();
        await d.RevertAsync("left");
        (await guest.FirstSequenceAfterAsync(mark, Timeout)).Should().BeInRange(kept, kept + 1, "the guest goes on from where it was left");
        await guest.WaitForSequenceAfterAsync(mark, s => s >= kept + 3, Timeout);
        (await d.ListAsync()).Select(s => s.Name).Should().BeEquivalentTo(["s1", "left", second.Kept.Name]);

        // The revert half failing (a stream QEMU cannot load) after the kept snapshot was taken: neither happens.
        var memory = Path.Combine(dir, "s1.mem");
        File.Copy(memory, memory + ".intact");
        ExternalRevertVmTests.CorruptStream(memory);
        var failing = () => d.RevertKeepingCurrentAsync("s1", "lost");
        (await failing.Should().ThrowAsync<SnapshotException>()).Which.Message.Should().Contain("the state it had was brought back from the kept snapshot 'lost'")
            .And.Contain("the kept snapshot 'lost' was deleted");
        File.Move(memory + ".intact", memory, overwrite: true);
        (await d.ListAsync()).Select(s => s.Name).Should().BeEquivalentTo(["s1", "left", second.Kept.Name]);
        Directory.GetFiles(dir, "*lost.mem").Should().BeEmpty();
        guest.Domain.GetState().State.Should().Be(DomainState.Running);

        // Shut off: the disks' state is kept as a disk-only snapshot and comes back as it was.
        guest.Domain.Destroy();
        var onDisk = guest.ReadDiskSequence();
        var shutOff = await d.RevertKeepingCurrentAsync("s1", "off");
        shutOff.Kept.State.Should().Be(SnapshotState.Shutoff);
        shutOff.Kept.MemoryFile.Should().BeNull();
        guest.Domain.GetState().State.Should().Be(DomainState.Running);
        await d.RevertAsync("off");
        guest.Domain.GetState().State.Should().Be(DomainState.Shutoff);
        guest.ReadDiskSequence().Should().Be(onDisk);
        guest.InconsistentLinesAfter(new LogMark(-1)).Should().BeEmpty();
    }

    [Theory]
    [MemberData(nameof(Stack.Names), MemberType = typeof(Stack))]
    public async Task A_refused_revert_keeps_nothing_and_a_taken_name_is_refused(string stack)
    {
        await using var vm = await GuestEngine.DefineAsync(stack, "keep-refused");
        var (guest, d) = (vm.Guest, vm.Domain);
        await d.CreateAsync(vm.DiskOnly("d1"));
        var definition = guest.Domain.GetXmlDesc(DomainXmlFlags.Inactive);
        var files = Directory.GetFiles(guest.Directory).Order().ToList();

        // The revert's own check (its frozen image is gone) refuses before the kept snapshot is taken.
        File.Move(guest.DiskPath, guest.DiskPath + ".away");
        try
        {
            var missing = () => d.RevertKeepingCurrentAsync("d1", "k");
            (await missing.Should().ThrowAsync<SnapshotException>()).Which.Kind.Should().Be(SnapshotErrorKind.NotFound);
        }
        finally
        {
            File.Move(guest.DiskPath + ".away", guest.DiskPath);
        }
        var taken = () => d.RevertKeepingCurrentAsync("d1", "d1");
        (await taken.Should().ThrowAsync<SnapshotException>()).Which.Kind.Should().Be(SnapshotErrorKind.AlreadyExists);

        (await d.ListAsync()).Select(s => s.Name).Should().Equal("d1");
        guest.Domain.GetXmlDesc(DomainXmlFlags.Inactive).Should().Be(definition);
        Directory.GetFiles(guest.Directory).Order().Should().Equal(files);
    }
}
