using Snapshot.Interop;
using Snapshot.TestGuest;

namespace Snapshot.Engine.Tests.Delete;

/// <summary>
/// The tree shapes the other delete tests leave out, on one running guest per stack: the root of a tree with two
/// descendants, then a leaf that is not current (the domain reverted to its parent), then a branch point of two
/// children; and on a second guest a snapshot under an internal parent. After each delete the running guest's disk
/// holds the number it last printed, virsh sees the same tree, and every remaining snapshot reverts to its own number.
/// </summary>
[Collection("vm")]
public sealed class DeleteTreeShapesVmTests
{
    [Theory]
    [MemberData(nameof(Stack.Names), MemberType = typeof(Stack))]
    public async Task The_root_a_leaf_not_current_and_a_branch_point_of_two_are_deleted_running(string stack)
    {
        await using var guest = await TestGuest.TestGuest.StartAsync(new TestGuestOptions { Uri = Stack.Named(stack).Uri, Purpose = "shapes-root" });
        using var engine = SnapshotEngine.Connect(Stack.Named(stack).Uri);
        var tree = new SnapshotTree(guest, Stack.Named(stack), engine.Domain(guest.DomainName));

        // r <- a <- b: the root, with two descendants, the domain running on b's overlay.
        await tree.SnapshotAsync("r");
        await tree.SnapshotAsync("a");
        await tree.SnapshotAsync("b");
        await DeleteRunningAndCheckAsync(guest, tree, "r");

        // a <- b, the domain back on a: b is a leaf and not current.
        await tree.RevertAsync("a");
        await DeleteRunningAndCheckAsync(guest, tree, "b");

        // a with two children, the domain running on the second's branch.
        await tree.SnapshotAsync("c1");
        await tree.RevertAsync("a");
        await tree.SnapshotAsync("c2");
        await DeleteRunningAndCheckAsync(guest, tree, "a");

        await tree.DeleteAndCheckAsync("c1", revertToEach: false);
        await tree.DeleteAndCheckAsync("c2", revertToEach: false);
        await tree.ShouldLeaveOnlyTheDomainsChainAsync();
    }

    [Theory]
    [MemberData(nameof(Stack.Names), MemberType = typeof(Stack))]
    public async Task An_external_snapshot_under_an_internal_parent_is_deleted_and_the_internal_one_still_reverts(string stack)
    {
        await using var guest = await TestGuest.TestGuest.StartAsync(new TestGuestOptions { Uri = Stack.Named(stack).Uri, Purpose = "shapes-int" });
        using var engine = SnapshotEngine.Connect(Stack.Named(stack).Uri);
        var tree = new SnapshotTree(guest, Stack.Named(stack), engine.Domain(guest.DomainName));

        // i (internal, in the base image) <- e1 <- e2. While e1 or e2 needs the base image, a revert to i (QEMU's loadvm
        // rewrites the image holding it) is refused (InternalRevertVmTests): i is reverted to once both are gone, discarding
        // the layer the domain runs on (backed by the base image, it would be left rewritten under it).
        await tree.InternalSnapshotAsync("i");
        await tree.SnapshotAsync("e1");
        await tree.SnapshotAsync("e2");
        await DeleteRunningAndCheckAsync(guest, tree, "e1", revertToEach: false);
        // e2 still reverts to its own number: e1's layer was not merged into the image holding i.
        await tree.RevertAsync("e2");

        await DeleteRunningAndCheckAsync(guest, tree, "e2", revertToEach: false);
        await tree.RevertAsync("i", new SnapshotRevertOptions { DiscardCurrent = true });
        await tree.DeleteAndCheckAsync("i", revertToEach: false);
        await tree.ShouldLeaveOnlyTheDomainsChainAsync();
    }

    // The delete, then the running guest's disk holds the number it printed last (or the one it is writing), then
    // the tree checks: virsh agrees, each remaining snapshot reverts to its number.
    private static async Task DeleteRunningAndCheckAsync(TestGuest.TestGuest guest, SnapshotTree tree, string name, bool revertToEach = true)
    {
        guest.Domain.GetState().State.Should().Be(DomainState.Running);
        var before = guest.LatestSequence();
        await tree.DeleteAndCheckAsync(name, revertToEach: false);
        guest.Domain.GetState().State.Should().Be(DomainState.Running, "the delete leaves the domain running");
        await guest.WaitForSequenceAfterAsync(guest.Mark(), s => s > before, TimeSpan.FromSeconds(60));
        guest.Domain.Suspend();
        await Task.Delay(TimeSpan.FromMilliseconds(300));
        var printed = guest.LatestSequence();
        guest.ReadDiskSequence().Should().BeInRange(printed, printed + 1, $"the running guest's disk keeps its latest number after deleting '{name}'\n{tree.History}");
        guest.Domain.Resume();
        if (revertToEach)
            await tree.RevertToEachAsync();
    }
}
