using System.Text.Json;
using Snapshot.Interop;
using Snapshot.TestGuest;

namespace Snapshot.Engine.Tests.Delete;

/// <summary>
/// A running test guest's snapshot tree for the delete tests: external snapshots with memory, each with the
/// sequence number its frozen disk holds, and the checks every delete must pass: each remaining snapshot
/// reverts to exactly its sequence number with no INCONSISTENT line, virsh sees the same tree, and what is left
/// beside the guest's own files is its disk chain.
/// </summary>
internal sealed class SnapshotTree(TestGuest.TestGuest guest, Stack stack, ISnapshotDomain domain)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly Dictionary<string, long> _sequences = new(StringComparer.Ordinal);
    private readonly HashSet<string> _own = Directory.GetFiles(guest.Directory).ToHashSet();
    private readonly List<string> _history = [];

    /// <summary>What each step left (chain and files), for the failure messages.</summary>
    public string History => string.Join("\n", _history);

    private void Note(string what) =>
        _history.Add($"{what}: chain {string.Join(" <- ", DiskChainFiles().Select(Path.GetFileName))}; files {string.Join(" ", Directory.GetFiles(guest.Directory).Where(f => !_own.Contains(f)).Select(Path.GetFileName).Order(StringComparer.Ordinal))}");

    public IReadOnlyDictionary<string, long> Sequences => _sequences;

    /// <summary>Takes an external snapshot with memory (or disk-only), once the guest has run on a little.</summary>
    public async Task SnapshotAsync(string name, bool diskOnly = false)
    {
        await guest.WaitForSequenceAfterAsync(guest.Mark(), _ => true, Timeout);
        var frozen = Instant.InstantHelpers.DiskChain(guest).Active;
        await domain.CreateAsync(new SnapshotCreateOptions
        {
            Name = name,
            Memory = diskOnly ? null : MemorySpec.External(Path.Combine(guest.Directory, name + ".mem")),
            Disks = [DiskSpec.External("vda", Path.Combine(guest.Directory, name + ".qcow2"))],
            Modifiers = new SnapshotCreateModifiers { DiskOnly = diskOnly },
        });
        _sequences[name] = guest.ReadDiskSequence(frozen);
        _sequences[name].Should().BeGreaterThan(0, $"the frozen image of '{name}' holds the guest's sequence block");
        Note($"snapshot {name} (seq {_sequences[name]})");
    }

    /// <summary>Takes an internal snapshot with memory of the running guest; its number is read from the snapshot's own disk state.</summary>
    public async Task InternalSnapshotAsync(string name)
    {
        await guest.WaitForSequenceAfterAsync(guest.Mark(), _ => true, Timeout);
        var image = Instant.InstantHelpers.DiskChain(guest).Active;
        (await domain.CreateAsync(new SnapshotCreateOptions { Name = name })).Location.Should().Be(SnapshotLocation.Internal);
        var raw = Path.Combine(guest.Directory, $".{name}.internal.raw");
        try
        {
            Instant.InstantHelpers.Run("qemu-img", "convert", "-U", "-f", "qcow2", "-l", $"snapshot.name={name}", "-O", "raw", image, raw);
            _sequences[name] = TestGuest.TestGuest.ParseSequenceBlock(File.ReadAllBytes(raw).AsSpan(0, TestGuest.TestGuest.SequenceBlockSize));
        }
        finally
        {
            File.Delete(raw);
        }
        _sequences[name].Should().BeGreaterThan(0, $"the internal snapshot '{name}' holds the guest's sequence block");
        Note($"internal snapshot {name} (seq {_sequences[name]})");
    }

    /// <summary>Reverts to a snapshot with memory and checks the guest goes on from exactly its sequence number.</summary>
    public async Task RevertAsync(string name, SnapshotRevertOptions? options = null)
    {
        // Paused first, and a moment given to the serial log: only the reverted guest prints after the mark.
        if (guest.Domain.GetState().State == DomainState.Running)
            guest.Domain.Suspend();
        await Task.Delay(TimeSpan.FromMilliseconds(300));
        var mark = guest.Mark();
        var frozen = FrozenImage(name);
        var before = guest.ReadDiskSequence(frozen);
        await domain.RevertAsync(name, options);
        Note($"reverting {name}: its frozen {Path.GetFileName(frozen)} held {before}");
        (await guest.SequenceAfterRevertAsync(mark, _sequences[name], Timeout)).Should().Be(_sequences[name] + 1, $"the guest goes on from '{name}'\n{History}");
        guest.InconsistentLinesAfter(mark).Should().BeEmpty($"the revert to '{name}' is consistent\n{History}");
        Note($"revert {name}");
    }

    /// <summary>Deletes a snapshot (or its tree, as the options say), then checks that virsh agrees and that every remaining one reverts to its data.</summary>
    /// <returns>What the engine says it deleted.</returns>
    public async Task<SnapshotDeleteResult> DeleteAndCheckAsync(string name, bool revertToEach = true, SnapshotDeleteOptions? options = null)
    {
        var result = await domain.DeleteAsync(name, options);
        result.Deleted.ToList().ForEach(n => _sequences.Remove(n));
        Note($"delete {name} ({string.Join(" ", result.Deleted)})");
        await ShouldAgreeWithVirshAsync();
        if (revertToEach)
            await RevertToEachAsync();
        return result;
    }

    /// <summary>Reverts to every remaining snapshot in turn, each checked as <see cref="RevertAsync"/> does.</summary>
    public async Task RevertToEachAsync()
    {
        foreach (var remaining in _sequences.Keys.Order(StringComparer.Ordinal).ToList())
            await RevertAsync(remaining);
    }

    /// <summary>A snapshot deleted outside <see cref="DeleteAndCheckAsync"/> (a delete that failed midway).</summary>
    public void Forget(string name) => _sequences.Remove(name);

    /// <summary>Prunes, then checks as <see cref="DeleteAndCheckAsync"/> does; returns the names pruned, oldest first.</summary>
    public async Task<List<string>> PruneAndCheckAsync(SnapshotPruneOptions options)
    {
        var pruned = (await domain.PruneAsync(options)).Select(s => s.Name).ToList();
        pruned.ForEach(n => _sequences.Remove(n));
        Note($"prune {string.Join(" ", pruned)}");
        await ShouldAgreeWithVirshAsync();
        await RevertToEachAsync();
        return pruned;
    }

    /// <summary>The names and parents the engine lists are virsh's.</summary>
    public async Task ShouldAgreeWithVirshAsync()
    {
        var listed = await domain.ListAsync();
        listed.Select(s => s.Name).Should().BeEquivalentTo(_sequences.Keys);
        var names = Revert.Virsh.Run(stack, "snapshot-list", guest.DomainName, "--name").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        names.Should().BeEquivalentTo(_sequences.Keys, "virsh lists the same snapshots");
        foreach (var s in listed)
        {
            var (code, output, _) = stack.RunVirsh(["-c", stack.Uri, "snapshot-parent", guest.DomainName, s.Name]);
            (code == 0 ? output.Trim() : null).Should().Be(s.Parent, $"virsh gives '{s.Name}' the same parent");
        }
    }

    /// <summary>No snapshot is left, and nothing beside the guest's own files but its chain of at most two images.</summary>
    public async Task ShouldLeaveOnlyTheDomainsChainAsync()
    {
        (await domain.ListAsync()).Should().BeEmpty();
        var chain = DiskChainFiles();
        chain.Count.Should().BeLessThanOrEqualTo(2, $"the base and at most one overlay are left\n{History}");
        chain.Should().Contain(guest.DiskPath);
        Directory.GetFiles(guest.Directory).Where(f => !_own.Contains(f) && !f.EndsWith("serial.log", StringComparison.Ordinal))
            .Should().BeSubsetOf(chain, $"only the domain's chain is left\n{History}");
        guest.Domain.GetState().State.Should().Be(DomainState.Running);
        var mark = guest.Mark();
        await guest.WaitForSequenceAfterAsync(mark, _ => true, Timeout);
        guest.InconsistentLinesAfter(new LogMark(-1)).Should().BeEmpty();
    }

    // The image a snapshot's own definition names now (a merge may have moved it).
    private string FrozenImage(string name)
    {
        using var snapshot = guest.Domain.LookupSnapshot(name);
        var xml = System.Xml.Linq.XElement.Parse(snapshot.GetXmlDesc());
        return (string)xml.Element("domain")!.Element("devices")!.Elements("disk").First().Element("source")!.Attribute("file")!;
    }

    public List<string> DiskChainFiles()
    {
        var active = Instant.InstantHelpers.DiskChain(guest).Active;
        var json = Instant.InstantHelpers.Run("qemu-img", "info", "-U", "--backing-chain", "--output=json", active);
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.EnumerateArray().Select(i => i.GetProperty("filename").GetString()!).ToList();
    }
}
