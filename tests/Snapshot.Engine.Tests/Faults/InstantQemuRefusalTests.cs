using Snapshot.Interop;
using static Snapshot.Engine.Tests.Faults.InstantFaultTests;

namespace Snapshot.Engine.Tests.Faults;

/// <summary>QEMU's own refusals after the checks, before the pause: nothing is paused and what was made beside them is deleted.</summary>
public sealed class InstantQemuRefusalTests
{
    [Fact]
    public async Task QEMU_refusing_the_capability_is_not_supported_and_the_guest_is_never_paused()
    {
        using var node = new FaultNode(new FaultHook(), q => q.Refuse = "migrate-set-capabilities");
        var events = new List<DomainLifecycleEvent>();
        using var subscription = node.Connection.SubscribeLifecycle(node.Dom, events.Add);
        var memory = node.Path("m.mem");

        var e = await node.Engine.Domain(FaultNode.Domain).Invoking(x => x.CreateAsync(Request(memory, node.Path("o.qcow2")))).Should().ThrowAsync<SnapshotException>();

        e.Which.Kind.Should().Be(SnapshotErrorKind.NotSupported);
        e.Which.Message.Should().Contain("QEMU refused the 'background-snapshot' capability").And.Contain("the disks are unchanged");
        node.Dom.GetState().State.Should().Be(DomainState.Running);
        File.Exists(memory).Should().BeFalse();
        await Task.Delay(200);
        events.Should().NotContain(x => x.Type == DomainEventType.Suspended, "QEMU's refusal comes before any pause");
    }

    [Fact]
    public async Task A_migration_started_past_libvirt_is_refused_by_QEMU_before_the_pause_and_the_overlays_made_beside_are_deleted()
    {
        using var node = new FaultNode(new FaultHook(), q => q.MigrateByHand());
        var events = new List<DomainLifecycleEvent>();
        using var subscription = node.Connection.SubscribeLifecycle(node.Dom, events.Add);
        var (memory, overlay) = (node.Path("m.mem"), node.Path("o.qcow2"));

        var e = await node.Engine.Domain(FaultNode.Domain).Invoking(x => x.CreateAsync(Request(memory, overlay))).Should().ThrowAsync<SnapshotException>();

        e.Which.Kind.Should().Be(SnapshotErrorKind.NotSupported);
        e.Which.Message.Should().Contain($"QEMU of domain '{FaultNode.Domain}' has a migration in progress").And.Contain("the disks are unchanged");
        node.Dom.GetState().State.Should().Be(DomainState.Running);
        File.Exists(memory).Should().BeFalse();
        File.Exists(overlay).Should().BeFalse("the overlay made beside the capability step is deleted");
        node.Qemu!.Capabilities["background-snapshot"].Should().BeFalse();
        node.Qemu.MaxBandwidth.Should().Be(32 << 20, "the limit is raised only after the point");
        await Task.Delay(200);
        events.Should().NotContain(x => x.Type == DomainEventType.Suspended, "QEMU's refusal comes before any pause");
    }
}
