using System.Security.Cryptography;
using Snapshot.Engine.Tests.Faults;
using Snapshot.Interop;
using Snapshot.TestGuest;

namespace Snapshot.Engine.Tests.Delete;

/// <summary>
/// <c>--children</c>, <c>--children-only</c> and <c>--metadata</c> on a tree of external snapshots with memory, as virsh
/// does them on internal ones, on one guest per stack: s1 → {s2 → s3, s4}. A children delete goes leaves first through
/// the one-snapshot delete (layers merged, files removed); one that fails midway says what went and what is left; a
/// metadata-only one drops the records and leaves every file byte for byte. After each, the paused domain's disk keeps
/// its latest sequence number and every remaining snapshot reverts to exactly its own.
/// </summary>
[Collection("vm")]
public sealed class ChildrenDeleteVmTests
{
    [Theory]
    [MemberData(nameof(Stack.Names), MemberType = typeof(Stack))]
    public async Task Children_children_only_and_metadata_on_an_external_tree_keep_what_remains(string stack)
    {
        var on = Stack.Named(stack);
        await using var guest = await TestGuest.TestGuest.StartAsync(new TestGuestOptions { Uri = on.Uri, Purpose = "children" });
        using var engine = SnapshotEngine.Connect(on.Uri);
        var domain = engine.Domain(guest.DomainName);
        var tree = new SnapshotTree(guest, on, domain);
        await tree.SnapshotAsync("s1");
        await tree.SnapshotAsync("s2");
        await tree.SnapshotAsync("s3");
        await tree.RevertAsync("s1");
        await tree.SnapshotAsync("s4");

        // --children on a branch the domain no longer runs on.
        var deleted = await DeletePausedAsync(guest, tree, "s2", SnapshotDeleteMode.Children);
        deleted.Deleted.Should().Equal(["s3", "s2"], "leaves first");
        ShouldBeGone(guest, tree, "s2", "s3");
        await tree.RevertToEachAsync();

        // A children delete that fails at its second snapshot: the first is gone, the rest is whole.
        await tree.SnapshotAsync("s5");
        using (var faulty = new SnapshotEngine(LibvirtConnection.Open(on.Uri), null, ownsConnection: true,
            new EngineSeams(new FaultHook("delete-snapshot", 2), d => new LibvirtQemuDomain(d))))
        {
            var thrown = await faulty.Domain(guest.DomainName).Invoking(d => d.DeleteAsync("s1", new SnapshotDeleteOptions(SnapshotDeleteMode.ChildrenOnly)))
                .Should().ThrowAsync<SnapshotException>();
            thrown.Which.Message.Should().Be("injected fault at step 'delete-snapshot'; deleted so far (leaves first): s5; still present: s4");
        }
        tree.Forget("s5");
        await tree.ShouldAgreeWithVirshAsync();
        ShouldBeGone(guest, tree, "s5");
        await tree.RevertToEachAsync();

        // --children-only on the root, the domain on its branch: s1 stays alone.
        deleted = await DeletePausedAsync(guest, tree, "s1", SnapshotDeleteMode.ChildrenOnly);
        deleted.Deleted.Should().Equal(["s4"]);
        ShouldBeGone(guest, tree, "s4");
        tree.Sequences.Keys.Should().Equal(["s1"]);
        await tree.RevertToEachAsync();

        // --metadata, alone and with --children: only libvirt's records go.
        await tree.SnapshotAsync("m1");
        await tree.SnapshotAsync("m2");
        var metadataOnly = new SnapshotDeleteOptions(SnapshotDeleteMode.Snapshot, MetadataOnly: true);
        var (result, unchanged) = await DeleteKeepingFilesAsync(guest, tree, "m2", metadataOnly);
        result.Should().BeEquivalentTo(new SnapshotDeleteResult(["m2"], 0));
        unchanged.Should().BeTrue($"--metadata leaves every file byte for byte\n{tree.History}");
        await tree.RevertToEachAsync();
        (result, unchanged) = await DeleteKeepingFilesAsync(guest, tree, "s1", metadataOnly with { Mode = SnapshotDeleteMode.Children });
        result.Should().BeEquivalentTo(new SnapshotDeleteResult(["m1", "s1"], 0));
        unchanged.Should().BeTrue($"--metadata --children leaves every file byte for byte\n{tree.History}");
        (await domain.ListAsync()).Should().BeEmpty();
    }

    // Deleted with the domain paused, so that its disk's latest sequence number can be read before and after.
    private static async Task<SnapshotDeleteResult> DeletePausedAsync(TestGuest.TestGuest guest, SnapshotTree tree, string name, SnapshotDeleteMode mode)
    {
        guest.Domain.Suspend();
        var latest = guest.ReadDiskSequence();
        var result = await tree.DeleteAndCheckAsync(name, revertToEach: false, new SnapshotDeleteOptions(mode));
        guest.Domain.GetState().State.Should().Be(DomainState.Paused, "the delete leaves the domain as it was");
        guest.ReadDiskSequence().Should().Be(latest, $"the domain's disk keeps its latest sequence number\n{tree.History}");
        return result;
    }

    private static async Task<(SnapshotDeleteResult Result, bool Unchanged)> DeleteKeepingFilesAsync(TestGuest.TestGuest guest, SnapshotTree tree, string name,
        SnapshotDeleteOptions options)
    {
        guest.Domain.Suspend();
        var before = Hashes(guest);
        var result = await tree.DeleteAndCheckAsync(name, revertToEach: false, options);
        var after = Hashes(guest);
        return (result, after.Count == before.Count && before.All(h => after.TryGetValue(h.Key, out var a) && a == h.Value));
    }

    /// <summary>The SHA-256 of every file beside the guest but its serial log (read with the guest paused: QEMU writes none).</summary>
    internal static Dictionary<string, string> Hashes(TestGuest.TestGuest guest) =>
        Directory.GetFiles(guest.Directory).Where(f => !f.EndsWith("serial.log", StringComparison.Ordinal))
            .ToDictionary(f => f, f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))), StringComparer.Ordinal);

    private static void ShouldBeGone(TestGuest.TestGuest guest, SnapshotTree tree, params string[] names)
    {
        var chain = tree.DiskChainFiles();
        foreach (var name in names)
        {
            File.Exists(Path.Combine(guest.Directory, name + ".mem")).Should().BeFalse($"the memory file of {name} went with it\n{tree.History}");
            var overlay = Path.Combine(guest.Directory, name + ".qcow2");
            (File.Exists(overlay) && !chain.Contains(overlay)).Should().BeFalse($"the overlay of {name} went with it unless the domain runs on it\n{tree.History}");
        }
    }
}
