using Snapshot.Engine.Tests.Delete;
using Snapshot.Interop;
using Snapshot.TestGuest;

namespace Snapshot.Engine.Tests.Revert;

/// <summary>
/// A revert to an internal snapshot goes through libvirt, and QEMU's <c>loadvm</c> rewrites the image holding it in
/// place. On main, with an external snapshot e1 taken after the internal i (the domain running on e1's overlay, backed
/// by the base image that holds i), the revert to i rewrote the base image (its SHA-256 changed, both stacks), which is
/// e1's frozen disk: a revert to e1 would resume e1's memory on i's disk. The engine refuses such a revert, leaving everything as it was; a revert to an
/// internal snapshot nothing else depends on (another internal snapshot in the same image is no dependant) still runs.
/// </summary>
[Collection("vm")]
public sealed class InternalRevertVmTests
{
    [Theory]
    [MemberData(nameof(Stack.Names), MemberType = typeof(Stack))]
    public async Task A_revert_to_an_internal_snapshot_an_external_one_froze_is_refused_and_changes_nothing(string stack)
    {
        await using var vm = await GuestEngine.StartAsync(stack, "intrevert-refused");
        var guest = vm.Guest;
        var tree = new SnapshotTree(guest, vm.Stack, vm.Domain);
        await tree.InternalSnapshotAsync("i");
        await tree.SnapshotAsync("e1");
        guest.Domain.Suspend();
        var hashes = ChildrenDeleteVmTests.Hashes(guest);
        var definition = guest.Domain.GetXmlDesc();
        var current = Virsh.CurrentName(vm.Stack, guest.DomainName);

        var refusal = await Record.ExceptionAsync(() => vm.Domain.RevertAsync("i"));
        var discarding = await Record.ExceptionAsync(() => vm.Domain.RevertAsync("i", new SnapshotRevertOptions { DiscardCurrent = true }));

        // The images first: without the refusal, what changed is what the failure shows.
        ChildrenDeleteVmTests.Hashes(guest).Should().Equal(hashes, $"the revert rewrites no image ({refusal?.Message ?? "it ran"})");
        refusal.Should().BeOfType<SnapshotException>().Which.Kind.Should().Be(SnapshotErrorKind.BadInput);
        refusal!.Message.Should().Contain(guest.DiskPath).And.Contain("'e1'").And.NotContain("\n");
        discarding.Should().BeOfType<SnapshotException>("discarding the current state leaves e1 needing the image").Which.Message.Should().Contain("'e1'");
        guest.Domain.GetXmlDesc().Should().Be(definition);
        Virsh.CurrentName(vm.Stack, guest.DomainName).Should().Be(current);
        (await vm.Domain.ListAsync()).Select(s => s.Name).Should().BeEquivalentTo(["i", "e1"]);
        guest.Domain.GetState().State.Should().Be(DomainState.Paused, "the refusal leaves the domain as it was");
        await tree.RevertAsync("e1");
    }

    [Theory]
    [MemberData(nameof(Stack.Names), MemberType = typeof(Stack))]
    public async Task A_revert_to_an_internal_snapshot_with_no_dependants_still_runs(string stack)
    {
        await using var vm = await GuestEngine.StartAsync(stack, "intrevert-safe");
        var tree = new SnapshotTree(vm.Guest, vm.Stack, vm.Domain);
        await tree.InternalSnapshotAsync("i");
        await tree.InternalSnapshotAsync("i2");

        await tree.RevertAsync("i");

        vm.Guest.Domain.GetState().State.Should().Be(DomainState.Running);
        await tree.RevertAsync("i2");
    }
}
