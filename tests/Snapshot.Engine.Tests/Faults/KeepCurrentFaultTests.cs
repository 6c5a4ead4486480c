using Snapshot.Interop;

namespace Snapshot.Engine.Tests.Faults;

/// <summary>
/// Every step of a keep-current revert failed by name on libvirt's test driver with a fake QEMU: before the kept
/// snapshot is taken nothing changes; once it is, a revert that fails (at its own start, or inside the external
/// revert) deletes the kept snapshot and its memory file again, and says what it left.
/// </summary>
public sealed class KeepCurrentFaultTests
{
    private static readonly (string Step, bool Kept)[] Expected =
    [
        ("preflight", false),
        ("keep-current", false),
        ("revert", true),
    ];

    private static readonly SnapshotRevertOptions ToRunning = new() { Target = RevertTarget.Running };

    public static TheoryData<string> Steps() => FaultHook.StepsOf(KeepCurrentRevert.Sequence);

    [Fact]
    public void Every_step_of_the_operation_has_a_fault_expectation() =>
        Expected.Select(e => e.Step).Should().Equal(KeepCurrentRevert.Sequence.Names, "a new step needs its fault test");

    [Fact]
    public async Task A_keep_current_revert_runs_every_declared_step_in_order_then_the_revert()
    {
        var hook = new FaultHook();
        using var node = new FaultNode(hook);
        node.SeedExternal("s1", "shutoff");

        var done = await node.Engine.Domain(FaultNode.Domain).RevertKeepingCurrentAsync("s1", "k", ToRunning);

        hook.Before.Where(p => p.Operation == KeepCurrentRevert.Sequence.Operation).Select(p => p.Step).Should().Equal(KeepCurrentRevert.Sequence.Names);
        hook.Before.Where(p => p.Operation == ExternalRevert.Sequence.Operation).Select(p => p.Step).Should().Equal(ExternalRevert.Sequence.Names);
        done.Reverted.Name.Should().Be("s1");
        done.Kept.Name.Should().Be("k");
        done.Kept.MemoryFile.Should().Be(node.Path("disk.k.mem"));
        node.SnapshotNames().Should().BeEquivalentTo(["s1", "k"]);
        node.ActiveDisk().Should().Be(node.Path("disk.s1-revert-1.qcow2"));
    }

    [Theory]
    [MemberData(nameof(Steps))]
    public async Task A_fault_at_each_step_keeps_nothing_it_did_not_finish(string step)
    {
        var (_, kept) = Expected.Single(e => e.Step == step);
        using var node = new FaultNode(new FaultHook(step));
        node.SeedExternal("s1", "shutoff");

        var thrown = await node.Engine.Domain(FaultNode.Domain).Invoking(e => e.RevertKeepingCurrentAsync("s1", "k", ToRunning))
            .Should().ThrowAsync<SnapshotException>();

        thrown.Which.InnerException.Should().BeOfType<InjectedFaultException>();
        if (kept)
        {
            thrown.Which.Message.Should().StartWith($"injected fault at step '{step}'")
                .And.Contain("the kept snapshot 'k' was deleted");
        }
        AssertNothingKept(node);
    }

    // The revert's rollback can only boot a domain it stopped afresh: the state it had is brought back from the kept
    // snapshot. Here (the fake QEMU's memory file holds no stream) that fails, so the kept snapshot, the only copy of
    // that state, stays and is named; on a real guest the state comes back and the kept snapshot goes
    // (KeepCurrentRevertVmTests, GroupSnapshotVmTests).
    [Fact]
    public async Task A_revert_failing_after_the_domain_was_stopped_keeps_the_kept_snapshot_when_its_state_cannot_be_brought_back()
    {
        using var node = new FaultNode(new FaultHook("start"));
        node.SeedExternal("s1", "shutoff");

        var thrown = await node.Engine.Domain(FaultNode.Domain).Invoking(e => e.RevertKeepingCurrentAsync("s1", "k", ToRunning))
            .Should().ThrowAsync<SnapshotException>();

        thrown.Which.Kind.Should().Be(SnapshotErrorKind.Failed);
        thrown.Which.Message.Should().StartWith("revert of domain 'test' to snapshot 's1' failed while starting the domain from the snapshot")
            .And.Contain("booted afresh").And.Contain("bringing the state it had back failed").And.Contain("it is kept as the snapshot 'k'");
        node.Dom.GetState().State.Should().Be(DomainState.Running);
        node.SnapshotNames().Should().BeEquivalentTo(["s1", "k"]);
        File.Exists(node.Path("disk.k.mem")).Should().BeTrue("the kept snapshot keeps its memory file");
        File.Exists(node.Path("disk.s1-revert-1.qcow2")).Should().BeFalse("the revert's rollback deleted its overlay");
    }

    private static void AssertNothingKept(FaultNode node)
    {
        node.Dom.GetState().State.Should().Be(DomainState.Running);
        node.SnapshotNames().Should().Equal("s1");
        File.Exists(node.Path("disk.k.mem")).Should().BeFalse("the kept snapshot's memory file went with it");
        node.ActiveDisk().Should().Be(node.Disk);
    }
}
