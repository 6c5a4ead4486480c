using System.Xml.Linq;
using Snapshot.Interop;

namespace Snapshot.Engine;

/// <summary>
/// After a snapshot's record is gone, merges the layers of the domain's chains it no longer needs
/// (<see cref="LayerMergePlanner"/>), one pair at a time and in an order that keeps every remaining snapshot
/// revertable at each moment: the data moves first (the file that goes is still whole), then the remaining
/// snapshots that named the file that goes are redefined onto the one that holds its data, then the domain's
/// definition when it is shut off, and only then is the file removed.
/// </summary>
internal sealed class LayerMerger(EngineContext context)
{
    private const int MaxMerges = 64;

    /// <summary>
    /// Merges what the deletion of a snapshot naming <paramref name="deleted"/> freed, then removes its frozen
    /// images that nothing needs any more; returns the bytes copied.
    /// </summary>
    public async Task<long> MergeAsync(OperationRun run, LibvirtDomain dom, SnapshotFiles deleted, string name, CancellationToken cancellationToken)
    {
        var bytes = await MergeLayersAsync(run, dom, deleted, name, cancellationToken).ConfigureAwait(false);
        await RemoveUnneededFrozenAsync(run, dom, deleted, name, cancellationToken).ConfigureAwait(false);
        return bytes;
    }

    /// <summary>
    /// For recovery, before the merges run again: a merge a kill cut short after its data had moved (its block job
    /// ended, or qemu-img finished and the chain was rewritten to the file holding the data) left the file that goes
    /// off the disk's chain, while the file that keeps the data is in it. Its end is done: the remaining snapshots that
    /// named the file that goes name the one that holds its data, and it is removed once nothing needs it.
    /// </summary>
    public async Task<int> CompleteMovedAsync(OperationRun run, LibvirtDomain dom, SnapshotFiles deleted, string name, IEnumerable<JournalFact> merges,
        CancellationToken cancellationToken)
    {
        var completed = 0;
        var chains = await ChainsAsync(dom, context.Files, cancellationToken).ConfigureAwait(false);
        foreach (var merge in merges)
        {
            if (merge["disk"] is not { } disk || merge["removed"] is not { } removed || merge["kept"] is not { } kept
                || !chains.TryGetValue(disk, out var chain) || !context.Files.Exists(removed))
                continue;
            var files = chain.Select(i => i.File).ToList();
            if (files.Contains(removed) || !files.Contains(kept))
                continue;
            if (merge["direction"] == "down")
                Redefine(dom, RemainingSnapshots(dom), removed, kept);
            run.Ledger.Record("merge-layers", $"finished the merge of {removed} into {kept} for '{name}' (its data had moved)");
            await RemoveIfUnneededAsync(run, dom, deleted, name, [removed], cancellationToken).ConfigureAwait(false);
            completed++;
        }
        return completed;
    }

    // A frozen image off every chain (the domain reverted away from it) goes when no remaining snapshot needs
    // it and it is a layer (it has a backing image): a base image may be the user's own, never removed here.
    private Task RemoveUnneededFrozenAsync(OperationRun run, LibvirtDomain dom, SnapshotFiles deleted, string name, CancellationToken cancellationToken) =>
        RemoveIfUnneededAsync(run, dom, deleted, name, deleted.Frozen, cancellationToken);

    private async Task RemoveIfUnneededAsync(OperationRun run, LibvirtDomain dom, SnapshotFiles deleted, string name, IEnumerable<string> candidates,
        CancellationToken cancellationToken)
    {
        var snapshots = RemainingSnapshots(dom);
        var removable = Removable(dom, snapshots, deleted, candidates);
        var frozen = candidates.Where(f => removable.Contains(f) && context.Files.Exists(f)).ToList();
        if (frozen.Count == 0)
            return;
        var remaining = snapshots.Select(s => s.Files);
        var chainTops = RevertDefinition.DiskSources(XElement.Parse(dom.GetXmlDesc())).Values;
        var needed = await RevertCleanup.NeededAsync(remaining, chainTops, cancellationToken, context.Files).ConfigureAwait(false);
        if (needed.Contains(RevertCleanup.UnknownChain))
            return;
        foreach (var file in RevertCleanup.Deletable(frozen, needed))
        {
            if ((await context.Files.ChainAsync(file, cancellationToken).ConfigureAwait(false)).Count < 2)
                continue;
            context.Files.Delete(file);
            run.Ledger.Record("merge-layers", $"removed frozen image {file} of '{name}'");
            Log.RemovedOverlay(context.Logger, file, name);
        }
    }

    private async Task<long> MergeLayersAsync(OperationRun run, LibvirtDomain dom, SnapshotFiles deleted, string name, CancellationToken cancellationToken)
    {
        long bytes = 0;
        var deletedImages = deleted.Overlays.Concat(deleted.Frozen).ToHashSet(StringComparer.Ordinal);
        var goneOverlays = deleted.Overlays.ToHashSet(StringComparer.Ordinal);
        for (var n = 0; n < MaxMerges; n++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var online = dom.IsActive;
            var chains = await ChainsAsync(dom, context.Files, cancellationToken).ConfigureAwait(false);
            var remaining = RemainingSnapshots(dom);
            var named = remaining.SelectMany(s => s.Files.Overlays.Concat(s.Files.Frozen)).ToHashSet(StringComparer.Ordinal);
            var inChains = chains.SelectMany(c => c.Value).Select(i => i.File).ToHashSet(StringComparer.Ordinal);
            var outside = await OutsideAsync(named.Where(f => !inChains.Contains(f)), context.Files, cancellationToken).ConfigureAwait(false);
            if (outside is null)
                return bytes;
            var merge = chains.Select(c =>
            {
                var candidates = c.Value.Select(i => i.File).Where(f => deletedImages.Contains(f) || OverlayImages.IsRevertLayer(f)).ToHashSet(StringComparer.Ordinal);
                var removable = Removable(dom, remaining, deleted, c.Value.Select(i => i.File));
                return LayerMergePlanner.Next(c.Key, c.Value, candidates, named, outside, online, goneOverlays, removable);
            }).FirstOrDefault(m => m is not null);
            if (merge is null)
                return bytes;
            // For a process killed mid-merge: recovery aborts a block job this left (the chain is whole either way).
            run.Note(JournalFact.Of(JournalFacts.MergeStarted, "disk", merge.Disk, "removed", merge.Removed, "kept", merge.Kept,
                "direction", merge.Direction == MergeDirection.Down ? "down" : "up", "block-job", online ? "yes" : null));
            var copied = await MergeOneAsync(run, dom, merge, online, cancellationToken).ConfigureAwait(false);
            run.Inside("data-moved");
            if (merge.Direction == MergeDirection.Down)
                Redefine(dom, remaining, merge.Upper.File, merge.Lower.File);
            context.Files.Delete(merge.Removed);
            bytes += copied;
            run.Ledger.Record("merge-layers", $"merged {merge.Removed} {(merge.Direction == MergeDirection.Down ? "down into" : "up into")} {merge.Kept} ({copied} bytes) for '{name}'");
            Log.MergedLayer(context.Logger, merge.Removed, merge.Kept, merge.Direction, copied, name);
        }
        return bytes;
    }

    // The bytes copied: the block job's own count, or the allocation of the layer qemu-img merged.
    private async Task<long> MergeOneAsync(OperationRun run, LibvirtDomain dom, LayerMerge merge, bool online, CancellationToken cancellationToken)
    {
        var rate = KillSwitch.MergeRate();
        if (online)
        {
            var copied = await BlockJobs.RunAsync(dom, merge, rate, () => run.Inside("block-job-started"), cancellationToken).ConfigureAwait(false);
            var chain = await context.Files.ChainAsync(DiskSource(dom, merge.Disk), cancellationToken).ConfigureAwait(false);
            if (chain.Any(i => i.File == merge.Removed))
                throw new SnapshotException($"the block job of disk {merge.Disk} ended with {merge.Removed} still in its chain; nothing was removed");
            return copied;
        }
        // SnapshotDelete refuses this before anything changes; a domain stopped since then is caught here.
        if (context.Files.IsRemote)
            throw new SnapshotException(SnapshotErrorKind.NotSupported, SnapshotDelete.RemoteOfflineMerge(dom.Name));
        if (merge.Direction == MergeDirection.Up)
        {
            await ImageMerges.RebaseAsync(merge.Upper, merge.Below, () => run.Inside("qemu-img-started"), cancellationToken).ConfigureAwait(false);
            return merge.Bytes;
        }
        await ImageMerges.CommitAsync(merge.Upper, rate, () => run.Inside("qemu-img-started"), cancellationToken).ConfigureAwait(false);
        // The lower layer now holds exactly the upper one's contents: what was backed by the upper one may be
        // backed by it without a copy.
        if (merge.Above is { } above)
        {
            await ImageMerges.RenameBackingAsync(above, merge.Lower, cancellationToken).ConfigureAwait(false);
            return merge.Bytes;
        }
        var inactive = XElement.Parse(dom.GetXmlDesc(DomainXmlFlags.Inactive | DomainXmlFlags.Secure));
        context.Connection.DefineDomain(RevertDefinition.WithOverlays(inactive, new Dictionary<string, string> { [merge.Disk] = merge.Lower.File })).Dispose();
        return merge.Bytes;
    }

    // Every remaining snapshot that names the file that went names the one holding its data instead.
    private static void Redefine(LibvirtDomain dom, List<RemainingSnapshot> remaining, string from, string to)
    {
        foreach (var snapshot in remaining)
        {
            var xml = XElement.Parse(snapshot.Xml);
            var sources = xml.Descendants("source").Where(s => (string?)s.Attribute("file") is { } f && Path.GetFullPath(f) == from).ToList();
            if (sources.Count == 0)
                continue;
            foreach (var source in sources)
                source.SetAttributeValue("file", to);
            var flags = SnapshotCreateFlags.Redefine | (snapshot.IsCurrent ? SnapshotCreateFlags.Current : 0);
            dom.CreateSnapshot(xml.ToString(SaveOptions.DisableFormatting), flags).Dispose();
        }
    }

    // Only images made for snapshots go (SnapshotLayers): never one the user made that a snapshot froze.
    private HashSet<string> Removable(LibvirtDomain dom, List<RemainingSnapshot> remaining, SnapshotFiles deleted, IEnumerable<string> candidates) =>
        new SnapshotLayers(context, dom).Removable(remaining.SelectMany(s => s.Files.Overlays).Concat(deleted.Overlays), candidates);

    private sealed record RemainingSnapshot(string Xml, bool IsCurrent, SnapshotFiles Files);

    private static List<RemainingSnapshot> RemainingSnapshots(LibvirtDomain dom)
    {
        using var all = OwnedHandles.Of(dom.ListAllSnapshots());
        var infos = SnapshotDescriptions.DescribeAll(dom, all);
        return all.Select((s, i) =>
        {
            var xml = s.GetXmlDesc(SnapshotXmlFlags.Secure);
            return new RemainingSnapshot(xml, infos[i].IsCurrent, RevertCleanup.FilesOf(xml));
        }).ToList();
    }

    private static string DiskSource(LibvirtDomain dom, string disk) =>
        RevertDefinition.DiskSources(XElement.Parse(dom.GetXmlDesc()))[disk];

    // Each file-backed disk's chain; a disk whose chain qemu-img cannot read is left alone.
    private static async Task<Dictionary<string, IReadOnlyList<ChainImage>>> ChainsAsync(LibvirtDomain dom, IHypervisorFiles files, CancellationToken cancellationToken)
    {
        var result = new Dictionary<string, IReadOnlyList<ChainImage>>(StringComparer.Ordinal);
        foreach (var (disk, source) in RevertDefinition.DiskSources(XElement.Parse(dom.GetXmlDesc())))
        {
            if (!files.Exists(source))
                continue;
            try
            {
                result[disk] = await files.ChainAsync(source, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is SnapshotException or LibvirtException or FileNotFoundException)
            {
            }
        }
        return result;
    }

    // The images that something outside the domain's chains is backed by; null when a chain cannot be read
    // (then nothing is merged: a layer could have a dependent nobody knows of).
    private static async Task<HashSet<string>?> OutsideAsync(IEnumerable<string> tops, IHypervisorFiles files, CancellationToken cancellationToken)
    {
        var result = new HashSet<string>(StringComparer.Ordinal);
        foreach (var top in tops)
        {
            if (!files.Exists(top) || result.Contains(top))
                continue;
            try
            {
                result.UnionWith((await files.ChainAsync(top, cancellationToken).ConfigureAwait(false)).Select(c => c.File));
            }
            catch (Exception e) when (e is SnapshotException or LibvirtException or FileNotFoundException)
            {
                return null;
            }
        }
        return result;
    }
}
