using Snapshot.Interop;
using static Snapshot.Engine.Tests.Faults.InstantFaultTests;

namespace Snapshot.Engine.Tests.Faults;

/// <summary>
/// A rollback that starts while QEMU still writes the memory: QEMU takes a bandwidth limit mid-stream but refuses any
/// capability change until its migration ended, so each setting is undone on its own side of the drain.
/// </summary>
public sealed class InstantRollbackOrderTests
{
    [Theory]
    [InlineData("wait-resume")]
    [InlineData("raise-bandwidth")]
    [InlineData("write-memory")]
    public async Task A_fault_while_QEMU_still_writes_restores_both_settings(string step)
    {
        var hook = new FaultHook(step);
        using var node = new FaultNode(hook, q => q.LastBlockDelay = TimeSpan.FromMilliseconds(500));
        var (memory, overlay) = (node.Path("m.mem"), node.Path("o.qcow2"));

        var e = await node.Engine.Domain(FaultNode.Domain).Invoking(x => x.CreateAsync(Request(memory, overlay))).Should().ThrowAsync<SnapshotException>();

        e.Which.InnerException.Should().BeOfType<InjectedFaultException>();
        e.Which.Message.Should().Contain("QEMU's background snapshot was let run to its end (completed)")
            .And.Contain("QEMU's background-snapshot capability was turned off").And.NotContain("could not");
        if (step == "write-memory") // a fault at a step comes before it: the limit is raised by raise-bandwidth
            e.Which.Message.Should().Contain("QEMU's migration bandwidth limit was restored");
        ShouldHaveRestoredQemu(node);
        node.Dom.GetState().State.Should().Be(DomainState.Running);
        File.Exists(memory).Should().BeFalse();
    }

    [Theory]
    [InlineData("migrate-set-capabilities", "QEMU's background-snapshot capability could not be turned off (QEMU refused 'migrate-set-capabilities': refused by the test): " +
        """virsh qemu-monitor-command test '{"execute":"migrate-set-capabilities","arguments":{"capabilities":[{"capability":"background-snapshot","state":false}]}}'""")]
    [InlineData("migrate-set-parameters", "QEMU's migration bandwidth limit could not be restored to 33554432 bytes/s (QEMU refused 'migrate-set-parameters': refused by the test): " +
        """virsh qemu-monitor-command test '{"execute":"migrate-set-parameters","arguments":{"max-bandwidth":33554432}}'""")]
    public async Task A_setting_QEMU_refuses_to_put_back_is_said_left_with_the_command_that_does_it(string refused, string left)
    {
        var hook = new RefuseFromWriteMemory(refused);
        using var node = new FaultNode(hook);
        hook.Qemu = () => node.Qemu!; // made by the node when the engine first asks for it
        var (memory, overlay) = (node.Path("m.mem"), node.Path("o.qcow2"));

        var e = await node.Engine.Domain(FaultNode.Domain).Invoking(x => x.CreateAsync(Request(memory, overlay))).Should().ThrowAsync<SnapshotException>();

        e.Which.Message.Should().Contain("Left: the domain is running; ").And.Contain(left).And.NotContain("\n");
        if (refused == "migrate-set-capabilities")
            node.Qemu!.Capabilities["background-snapshot"].Should().BeTrue("what the message says is left is what QEMU has");
        else
            node.Qemu!.MaxBandwidth.Should().NotBe(32 << 20, "what the message says is left is what QEMU has");
        node.Dom.GetState().State.Should().Be(DomainState.Running);
        File.Exists(memory).Should().BeFalse();
    }

    /// <summary>Fails write-memory, the limit raised by then, and has QEMU refuse <paramref name="command"/> from there on: the rollback's undo of it.</summary>
    private sealed class RefuseFromWriteMemory(string command) : IStepHook
    {
        public Func<FakeQemu>? Qemu { get; set; }

        public ValueTask BeforeAsync(StepPoint point, CancellationToken cancellationToken)
        {
            if (point.Step != "write-memory")
                return ValueTask.CompletedTask;
            Qemu!().Refuse = command;
            throw new InjectedFaultException(point.Step);
        }

        public ValueTask AfterAsync(StepPoint point, StepLedger ledger, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }
}
