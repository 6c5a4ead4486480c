using Snapshot.Engine.Tests.Delete;
using Snapshot.TestGuest;

namespace Snapshot.Engine.Tests;

/// <summary>
/// The everyday cycle of the issue (snapshot, revert, snapshot, revert to the first, revert to the second,
/// snapshot, delete all three), and the same with a branch point of three children, end with nothing but the
/// domain's own chain (its base and at most one overlay): no snapshot, no memory file, no overlay of a snapshot.
/// After each delete every remaining snapshot still reverts to exactly its data.
/// </summary>
[Collection("vm")]
public sealed class EverydayCycleVmTests
{
    [Theory]
    [MemberData(nameof(Stack.Names), MemberType = typeof(Stack))]
    public async Task Snapshot_revert_and_delete_leave_no_snapshot_and_no_file_behind(string stack)
    {
        await using var vm = await GuestEngine.StartAsync(stack, "cycle");
        var tree = new SnapshotTree(vm.Guest, vm.Stack, vm.Domain);

        await tree.SnapshotAsync("s1");
        await tree.RevertAsync("s1");
        await tree.SnapshotAsync("s2");
        await tree.RevertAsync("s1");
        await tree.RevertAsync("s2");
        await tree.SnapshotAsync("s3");

        await tree.DeleteAndCheckAsync("s2");
        await tree.DeleteAndCheckAsync("s1");
        await tree.DeleteAndCheckAsync("s3");

        await tree.ShouldLeaveOnlyTheDomainsChainAsync();
    }

    [Theory]
    [MemberData(nameof(Stack.Names), MemberType = typeof(Stack))]
    public async Task A_branch_point_of_three_children_and_its_children_delete_to_the_domains_chain(string stack)
    {
        await using var vm = await GuestEngine.StartAsync(stack, "branch3");
        var tree = new SnapshotTree(vm.Guest, vm.Stack, vm.Domain);

        await tree.SnapshotAsync("p");
        await tree.SnapshotAsync("c1");
        await tree.RevertAsync("p");
        await tree.SnapshotAsync("c2");
        await tree.RevertAsync("p");
        await tree.SnapshotAsync("c3");

        await tree.DeleteAndCheckAsync("p");
        await tree.DeleteAndCheckAsync("c2");
        await tree.DeleteAndCheckAsync("c1");
        await tree.DeleteAndCheckAsync("c3");

        await tree.ShouldLeaveOnlyTheDomainsChainAsync();
    }
}
