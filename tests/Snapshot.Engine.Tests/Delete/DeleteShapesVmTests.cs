using Snapshot.Interop;
using Snapshot.TestGuest;

namespace Snapshot.Engine.Tests.Delete;

/// <summary>
/// Tree shapes on one guest per stack: the middle snapshot of a chain with the domain paused (a block commit
/// under a paused QEMU), the current leaf with the domain shut off (qemu-img and a new definition), then the
/// last snapshot after a revert to it. The disk the domain runs on keeps its latest sequence number, and every
/// remaining snapshot reverts to its own.
/// </summary>
[Collection("vm")]
public sealed class DeleteShapesVmTests
{
    [Theory]
    [MemberData(nameof(Stack.Names), MemberType = typeof(Stack))]
    public async Task A_middle_snapshot_paused_and_a_leaf_shut_off_are_merged_and_the_data_stays(string stack)
    {
        await using var guest = await TestGuest.TestGuest.StartAsync(new TestGuestOptions { Uri = Stack.Named(stack).Uri, Purpose = "shapes" });
        using var engine = SnapshotEngine.Connect(Stack.Named(stack).Uri);
        var domain = engine.Domain(guest.DomainName);
        var tree = new SnapshotTree(guest, Stack.Named(stack), domain);

        await tree.SnapshotAsync("s1");
        await tree.SnapshotAsync("s2");
        guest.Domain.Suspend();
        var latest = guest.ReadDiskSequence();
        await tree.DeleteAndCheckAsync("s1", revertToEach: false);
        guest.Domain.GetState().State.Should().Be(DomainState.Paused, "the delete leaves the domain as it was");
        guest.ReadDiskSequence().Should().Be(latest, $"the paused guest's disk is unchanged\n{tree.History}");
        tree.DiskChainFiles().Should().HaveCount(2, $"s1's layer was merged\n{tree.History}");
        await tree.RevertAsync("s2");

        await tree.SnapshotAsync("s3");
        guest.Domain.Destroy();
        latest = guest.ReadDiskSequence();
        await tree.DeleteAndCheckAsync("s3", revertToEach: false);
        guest.Domain.GetState().State.Should().Be(DomainState.Shutoff);
        guest.ReadDiskSequence().Should().Be(latest, $"the shut-off domain's disk is unchanged\n{tree.History}");
        await tree.RevertAsync("s2");

        await tree.DeleteAndCheckAsync("s2", revertToEach: false);
        await tree.ShouldLeaveOnlyTheDomainsChainAsync();
    }

    // An overlay the user made outside any snapshot (here libvirt's --no-metadata one, as a backup tool makes)
    // becomes a snapshot's frozen image; once the domain is reverted away from it and that snapshot deleted,
    // nothing names it, but it is not virt-snap's or a snapshot's file: it stays, whole.
    [Theory]
    [MemberData(nameof(Stack.Names), MemberType = typeof(Stack))]
    public async Task An_overlay_the_user_made_is_never_removed_by_a_delete(string stack)
    {
        await using var guest = await TestGuest.TestGuest.StartAsync(new TestGuestOptions { Uri = Stack.Named(stack).Uri, Purpose = "users-overlay" });
        using var engine = SnapshotEngine.Connect(Stack.Named(stack).Uri);
        var domain = engine.Domain(guest.DomainName);
        var tree = new SnapshotTree(guest, Stack.Named(stack), domain);

        await tree.SnapshotAsync("s0");
        var users = Path.Combine(guest.Directory, "users-own.qcow2");
        Revert.Virsh.Run(Stack.Named(stack), "snapshot-create-as", guest.DomainName, "--disk-only", "--no-metadata", "--atomic",
            "--diskspec", $"vda,snapshot=external,file={users}");
        await tree.SnapshotAsync("s1");
        await tree.RevertAsync("s0");
        var bytes = File.ReadAllBytes(users);

        await tree.DeleteAndCheckAsync("s1");
        File.Exists(users).Should().BeTrue($"no snapshot made {users}: the user did\n{tree.History}");
        File.ReadAllBytes(users).Should().Equal(bytes, "the user's overlay is unchanged");
        File.Exists(Path.Combine(guest.Directory, "s1.qcow2")).Should().BeFalse("s1's own overlay goes with it");
    }
}
