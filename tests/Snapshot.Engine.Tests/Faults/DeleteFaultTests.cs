namespace Snapshot.Engine.Tests.Faults;

/// <summary>
/// Every step of a delete failed by name on libvirt's test driver, at each of its occurrences: a chain of
/// two external snapshots with memory files (a, its child b) deleted leaves first. Nothing deleted comes
/// back, so each failure must say what was deleted and what is left, and leave exactly that.
/// </summary>
public sealed class DeleteFaultTests
{
    public static TheoryData<string, int, string[], string[], string?> Cases() => new()
    {
        // step, occurrence, snapshots left, memory files left, what the message says (null: the fault as it is)
        { "look-up", 1, ["a", "b"], ["a.mem", "b.mem"], null },
        { "delete-snapshot", 1, ["a", "b"], ["a.mem", "b.mem"], null },
        { "remove-memory-file", 1, ["a"], ["a.mem", "b.mem"], "deleted so far (leaves first): b; the memory file of 'b' is kept; still present: a" },
        { "remove-overlays", 1, ["a"], ["a.mem"], "deleted so far (leaves first): b; still present: a" },
        { "merge-layers", 1, ["a"], ["a.mem"], "deleted so far (leaves first): b; still present: a" },
        { "delete-snapshot", 2, ["a"], ["a.mem"], "deleted so far (leaves first): b; still present: a" },
        { "remove-memory-file", 2, [], ["a.mem"], "deleted so far (leaves first): b, a; the memory file of 'a' is kept" },
        { "remove-overlays", 2, [], [], "deleted so far (leaves first): b, a" },
        { "merge-layers", 2, [], [], "deleted so far (leaves first): b, a" },
    };

    [Fact]
    public void Every_step_of_the_operation_has_a_fault_case() =>
        Cases().Select(c => (string)c[0]).Distinct().Should().BeEquivalentTo(SnapshotDelete.Sequence.Names, "a new step needs its fault test");

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_fault_at_each_step_leaves_exactly_what_it_reports(string step, int occurrence, string[] snapshots, string[] files, string? says)
    {
        using var node = new FaultNode(new FaultHook(step, occurrence));
        node.SeedExternal("a", "running");
        node.SeedExternal("b", "running", parent: "a", current: true);

        var thrown = await node.Engine.Domain(FaultNode.Domain).Invoking(e => e.DeleteAsync("a", new SnapshotDeleteOptions(SnapshotDeleteMode.Children)))
            .Should().ThrowAsync<Exception>();

        if (says is null)
        {
            thrown.Which.Should().BeOfType<SnapshotException>().Which.InnerException.Should().BeOfType<Faults.InjectedFaultException>();
        }
        else
        {
            var e = thrown.Which.Should().BeOfType<SnapshotException>().Which;
            e.Message.Should().Be($"injected fault at step '{step}'; {says}");
            e.Kind.Should().Be(SnapshotErrorKind.Failed);
        }
        node.SnapshotNames().Should().BeEquivalentTo(snapshots);
        new[] { "a.mem", "b.mem" }.Where(f => File.Exists(node.Path(f))).Should().BeEquivalentTo(files);
    }

    [Fact]
    public async Task Without_a_fault_the_chain_goes_leaves_first_with_its_memory_files()
    {
        var hook = new FaultHook();
        using var node = new FaultNode(hook);
        node.SeedExternal("a", "running");
        node.SeedExternal("b", "running", parent: "a", current: true);

        await node.Engine.Domain(FaultNode.Domain).DeleteAsync("a", new SnapshotDeleteOptions(SnapshotDeleteMode.Children));

        hook.Before.Select(p => (p.Step, p.Subject)).Should().Equal(
            ("look-up", null), ("delete-snapshot", "b"), ("remove-memory-file", "b"), ("remove-overlays", "b"), ("merge-layers", "b"),
            ("delete-snapshot", "a"), ("remove-memory-file", "a"), ("remove-overlays", "a"), ("merge-layers", "a"));
        node.SnapshotNames().Should().BeEmpty();
        File.Exists(node.Path("a.mem")).Should().BeFalse();
        File.Exists(node.Path("b.mem")).Should().BeFalse();
    }
}
