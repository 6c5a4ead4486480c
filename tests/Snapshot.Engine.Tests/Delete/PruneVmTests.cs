using Snapshot.TestGuest;

namespace Snapshot.Engine.Tests.Delete;

/// <summary>
/// snapshot-prune on a real guest: ten external snapshots with memory in one chain, <c>--keep 2</c> deletes the
/// eight oldest through the delete (their layers merged), and the two newest each revert to exactly their sequence
/// number; a dry run before changes nothing.
/// </summary>
[Collection("vm")]
public sealed class PruneVmTests
{
    [Theory]
    [MemberData(nameof(Stack.Names), MemberType = typeof(Stack))]
    public async Task Keep_two_of_ten_leaves_the_two_newest_each_revertable(string stack)
    {
        await using var guest = await TestGuest.TestGuest.StartAsync(new TestGuestOptions { Uri = Stack.Named(stack).Uri, Purpose = "prune" });
        using var engine = SnapshotEngine.Connect(Stack.Named(stack).Uri);
        var domain = engine.Domain(guest.DomainName);
        var tree = new SnapshotTree(guest, Stack.Named(stack), domain);
        var names = Enumerable.Range(1, 10).Select(i => $"s{i:D2}").ToList();
        foreach (var name in names)
            await tree.SnapshotAsync(name);
        var files = Directory.GetFiles(guest.Directory).Order(StringComparer.Ordinal).ToList();

        var would = await domain.PruneAsync(new SnapshotPruneOptions { Keep = 2, DryRun = true });
        would.Select(s => s.Name).Should().Equal(names.Take(8), "oldest first");
        (await domain.ListAsync()).Should().HaveCount(10, "a dry run deletes nothing");
        Directory.GetFiles(guest.Directory).Order(StringComparer.Ordinal).Should().Equal(files, "a dry run touches no file");

        var pruned = await tree.PruneAndCheckAsync(new SnapshotPruneOptions { Keep = 2 });
        pruned.Should().Equal(names.Take(8));
        tree.Sequences.Keys.Should().BeEquivalentTo(["s09", "s10"]);
        foreach (var gone in names.Take(8))
            File.Exists(Path.Combine(guest.Directory, gone + ".mem")).Should().BeFalse($"the memory file of {gone} went with it\n{tree.History}");
    }
}
