using Snapshot.Interop;

namespace Snapshot.Engine.Tests.Faults;

/// <summary>
/// Every step of an external revert failed by name on libvirt's test driver: before the domain starts on
/// the snapshot, the ledger puts it back (running, on its previous disk, the new overlay deleted); after,
/// the revert is done and the failure only reported.
/// </summary>
public sealed class RevertFaultTests
{
    public enum Leaves
    {
        /// <summary>Nothing was changed.</summary>
        Unchanged,
        /// <summary>The domain was stopped and is booted afresh on its previous disk.</summary>
        RolledBack,
        /// <summary>The revert is done: the domain runs on the new overlay; the snapshot not made current.</summary>
        RevertedNotCurrent,
        /// <summary>The revert is done and the snapshot current.</summary>
        Reverted,
    }

    private static readonly (string Step, Leaves Leaves, string? Says)[] Expected =
    [
        ("preflight", Leaves.Unchanged, null),
        ("hold-events", Leaves.Unchanged, null),
        ("stop", Leaves.Unchanged, null),
        ("create-overlays", Leaves.RolledBack, "booted afresh on its previous disks"),
        ("define", Leaves.RolledBack, "the new overlay '{0}' was deleted"),
        ("start", Leaves.RolledBack, "it is defined again on its previous disks; the new overlay '{0}' was deleted; booted afresh"),
        ("publish-events", Leaves.RevertedNotCurrent, "the revert itself is done"),
        ("make-current", Leaves.RevertedNotCurrent, "the revert itself is done"),
        ("discard-descendants", Leaves.Reverted, "the revert itself is done"),
        ("clean-up", Leaves.Reverted, "the revert itself is done"),
    ];

    public static TheoryData<string> Steps() => FaultHook.StepsOf(ExternalRevert.Sequence);

    [Fact]
    public void Every_step_of_the_operation_has_a_fault_expectation() =>
        Expected.Select(e => e.Step).Should().Equal(ExternalRevert.Sequence.Names, "a new step needs its fault test");

    [Fact]
    public async Task A_revert_runs_every_declared_step_in_order()
    {
        var hook = new FaultHook();
        using var node = new FaultNode(hook);
        node.SeedExternal("s1", "shutoff");

        var info = await node.Engine.RevertAsync(FaultNode.Domain, "s1", new SnapshotRevertOptions { Target = RevertTarget.Running });

        hook.Before.Select(p => p.Step).Should().Equal(ExternalRevert.Sequence.Names);
        info.IsCurrent.Should().BeTrue();
        node.ActiveDisk().Should().Be(node.Path("disk.s1-revert-1.qcow2"));
        node.Dom.GetState().State.Should().Be(DomainState.Running);
    }

    [Theory]
    [MemberData(nameof(Steps))]
    public async Task A_fault_at_each_step_is_rolled_back_or_reported_exactly(string step)
    {
        var (_, leaves, says) = Expected.Single(e => e.Step == step);
        using var node = new FaultNode(new FaultHook(step));
        node.SeedExternal("s1", "shutoff");
        var overlay = node.Path("disk.s1-revert-1.qcow2");

        var thrown = await node.Engine.Invoking(e => e.RevertAsync(FaultNode.Domain, "s1", new SnapshotRevertOptions { Target = RevertTarget.Running }))
            .Should().ThrowAsync<Exception>();

        if (step == "preflight")
        {
            thrown.Which.Should().BeOfType<InjectedFaultException>("a refusal before anything changed is thrown as it is");
        }
        else
        {
            var e = thrown.Which.Should().BeOfType<SnapshotException>().Which;
            e.Kind.Should().Be(SnapshotErrorKind.Failed);
            var doing = ExternalRevert.Sequence.Steps.Single(s => s.Name == step).Doing;
            e.Message.Should().StartWith($"revert of domain 'test' to snapshot 's1' failed while {doing}: injected fault at step '{step}'");
            if (says is not null)
                e.Message.Should().Contain(string.Format(System.Globalization.CultureInfo.InvariantCulture, says, overlay));
            if (leaves == Leaves.Unchanged)
                e.Message.Should().NotContain(";", "nothing was done, so nothing is undone or left");
        }

        node.Dom.GetState().State.Should().Be(DomainState.Running);
        var reverted = leaves is Leaves.Reverted or Leaves.RevertedNotCurrent;
        node.ActiveDisk().Should().Be(reverted ? overlay : node.Disk);
        File.Exists(overlay).Should().Be(reverted, "the rollback deletes the overlay it made");
        File.Exists(node.Disk).Should().BeTrue();
        node.Dom.HasCurrentSnapshot.Should().Be(leaves == Leaves.Reverted);
        node.SnapshotNames().Should().Equal("s1");
    }
}
