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
}
