using System.Xml.Linq;
using Snapshot.Interop;

namespace Snapshot.Engine;

/// <summary>
/// Deletes a snapshot, its children, or only its children, with their memory files. An internal tree is
/// libvirt's; an external snapshot is deleted by the engine in any position: libvirt drops its record, then
/// the files nothing needs go and the disk layers it freed are merged (<see cref="LayerMerger"/>). A tree with
/// an external snapshot goes leaves first, one snapshot at a time. Nothing deleted can be undone, so a
/// failure names what was deleted and what is left.
/// </summary>
internal sealed class SnapshotDelete(EngineContext context)
{
    public static readonly StepSequence Sequence = new("delete",
        new StepDefinition("look-up", "looking up the snapshot and its descendants"),
        new StepDefinition("delete-snapshot", "deleting a snapshot", Repeats: true),
        new StepDefinition("remove-memory-file", "removing a deleted snapshot's memory file", Repeats: true),
        new StepDefinition("remove-overlays", "removing a deleted snapshot's overlays that nothing needs", Repeats: true),
        new StepDefinition("merge-layers", "merging the disk layers the deleted snapshot no longer needs", Repeats: true));

    /// <summary>The bytes the merges of the run copied.</summary>
    public long BytesMerged { get; private set; }

    public async Task<SnapshotDeleteResult> RunAsync(DomainRef domain, string name, SnapshotDeleteOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        cancellationToken.ThrowIfCancellationRequested();
        using var dom = context.Resolve(domain);
        var run = context.StartRun(Sequence, dom.Name);
        var deleted = new List<string>();
        var plan = new List<(LibvirtDomainSnapshot Snapshot, SnapshotInfo Info)>();
        using var snapshot = EngineContext.Lookup(dom, name);
        OwnedHandles<LibvirtDomainSnapshot>? descendants = null;
        try
        {
            var info = await run.Run("look-up", () => EngineContext.Describe(snapshot), cancellationToken).ConfigureAwait(false);
            if (options.Mode == SnapshotDeleteMode.Snapshot)
            {
                if (!options.MetadataOnly)
                    RefuseRemoteOfflineMerges(dom, [info]);
                plan.Add((snapshot, info));
                await DeleteOneAsync(run, dom, snapshot, info, options.Mode, options.MetadataOnly, [info.Name], deleted, cancellationToken).ConfigureAwait(false);
                return Result(dom, deleted);
            }

            descendants = OwnedHandles.Of(snapshot.ListAllChildren(SnapshotListFlags.Descendants | SnapshotListFlags.Topological));
            var infos = SnapshotDescriptions.DescribeAll(dom, descendants);
            if (options.MetadataOnly || (info.Location == SnapshotLocation.Internal && infos.All(d => d.Location == SnapshotLocation.Internal)))
            {
                // One call of libvirt's removes the whole tree (only its records with MetadataOnly): named leaves first.
                IEnumerable<string> gone = infos.Select(d => d.Name).Reverse();
                plan.Add((snapshot, info));
                await DeleteOneAsync(run, dom, snapshot, info, options.Mode, options.MetadataOnly,
                    options.Mode == SnapshotDeleteMode.Children ? [.. gone, info.Name] : [.. gone], deleted, cancellationToken).ConfigureAwait(false);
                return Result(dom, deleted);
            }

            RefuseRemoteOfflineMerges(dom, [info, .. infos]);
            plan.AddRange(Enumerable.Range(0, descendants.Count).Reverse().Select(i => (descendants[i], infos[i])));
            if (options.Mode == SnapshotDeleteMode.Children)
                plan.Add((snapshot, info));
            foreach (var (target, targetInfo) in plan)
            {
                cancellationToken.ThrowIfCancellationRequested();
                await DeleteOneAsync(run, dom, target, targetInfo, SnapshotDeleteMode.Snapshot, metadataOnly: false, [targetInfo.Name], deleted, cancellationToken).ConfigureAwait(false);
            }
            return Result(dom, deleted);
        }
        catch (Exception e) when (run.Ledger.Entries.Count > 0 && e is not OperationCanceledException)
        {
            var left = plan.Select(p => p.Info.Name).Except(deleted).ToList();
            var memory = run.Current.Name == "remove-memory-file" ? $"; the memory file of '{deleted[^1]}' is kept" : "";
            var present = left.Count > 0 ? $"; still present: {string.Join(", ", left)}" : "";
            throw new SnapshotException(ErrorClassifier.Classify(e),
                $"{e.Message}; deleted so far (leaves first): {string.Join(", ", deleted)}{memory}{present}", e);
        }
        finally
        {
            descendants?.Dispose();
        }
    }

    private SnapshotDeleteResult Result(LibvirtDomain dom, List<string> deleted)
    {
        Log.Deleted(context.Logger, deleted, dom.Name, BytesMerged);
        return new SnapshotDeleteResult(deleted, BytesMerged);
    }

    // A shut-off domain's freed layers are merged by qemu-img, which cannot reach a remote hypervisor's images: refused
    // before anything is deleted. A running domain's QEMU merges them with block jobs, through libvirt.
    private void RefuseRemoteOfflineMerges(LibvirtDomain dom, IEnumerable<SnapshotInfo> snapshots)
    {
        if (context.Files.IsRemote && !dom.IsActive && snapshots.Any(s => s.Location == SnapshotLocation.External))
            throw new SnapshotException(SnapshotErrorKind.NotSupported, RemoteOfflineMerge(dom.Name));
    }

    internal static string RemoteOfflineMerge(string domain) =>
        $"deleting an external snapshot of shut-off domain '{domain}' over a remote connection needs qemu-img on the hypervisor's images, which virt-snap cannot run from here; " +
        "start the domain (its QEMU merges the layers), or run virt-snap on the hypervisor (ssh HOST virt-snap ...)";

    private async Task DeleteOneAsync(OperationRun run, LibvirtDomain dom, LibvirtDomainSnapshot snapshot, SnapshotInfo info, SnapshotDeleteMode mode, bool metadataOnly,
        IReadOnlyList<string> gone, List<string> deleted, CancellationToken cancellationToken)
    {
        var flags = mode switch
        {
            SnapshotDeleteMode.Children => SnapshotDeleteFlags.Children,
            SnapshotDeleteMode.ChildrenOnly => SnapshotDeleteFlags.ChildrenOnly,
            _ => (SnapshotDeleteFlags)0,
        };
        // An external snapshot's layers are the engine's to merge (LayerMerger), on every libvirt: 9.0 refuses
        // most positions, and 11.3 merges the layer above the snapshot's frozen image even where another
        // snapshot's overlay is backed by it, which leaves that overlay without its backing file. libvirt only
        // drops the record, which changes no data.
        var engineMerges = !metadataOnly && mode == SnapshotDeleteMode.Snapshot && info.Location == SnapshotLocation.External;
        if (metadataOnly || engineMerges)
            flags |= SnapshotDeleteFlags.MetadataOnly;
        Log.Deleting(context.Logger, info.Name, dom.Name, flags);
        SnapshotFiles? files = null;
        string? xml = null; // the snapshot's branches (its revert layers) are deleted with it
        await run.RunAsync("delete-snapshot", async () =>
        {
            var description = snapshot.GetXmlDesc();
            files = RevertCleanup.FilesOf(description);
            if (engineMerges)
                xml = description;
            var children = engineMerges ? ChildDefinitions.Read(snapshot) : [];
            if (engineMerges)
                new SnapshotLayers(context, dom).Record(files.Overlays);
            try
            {
                await Task.Run(() => snapshot.Delete(flags), CancellationToken.None).ConfigureAwait(false);
            }
            catch (LibvirtException e) when (engineMerges && e.Code == LibvirtErrorCode.InvalidArg && e.Message.Contains("unsupported flags", StringComparison.Ordinal))
            {
                // libvirt's test driver knows no record-only delete; its snapshots have no data, so its delete is one.
                await Task.Run(() => snapshot.Delete(flags & ~SnapshotDeleteFlags.MetadataOnly), CancellationToken.None).ConfigureAwait(false);
            }
            ChildDefinitions.Restore(dom, children);
            deleted.AddRange(gone);
            run.Ledger.Record("delete-snapshot", $"deleted snapshot '{info.Name}'",
                fact: JournalFact.Of(JournalFacts.SnapshotDeleted, "name", info.Name, "memory", info.MemoryFile,
                    "xml", !metadataOnly && mode == SnapshotDeleteMode.Snapshot ? description : null, "merges", engineMerges ? "engine" : null));
        }, cancellationToken, info.Name).ConfigureAwait(false);
        if (!metadataOnly && mode == SnapshotDeleteMode.Snapshot)
            BytesMerged += await FinishAsync(run, dom, info, xml, files!, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The steps after a snapshot's record went: its memory file, its overlays, the layers it freed. Each acts on what
    /// is there now, so recovery runs them again for a delete killed after its record went (DeleteRecovery).
    /// </summary>
    /// <param name="run">The delete's run (or recovery's bare one).</param>
    /// <param name="dom">The domain.</param>
    /// <param name="info">The deleted snapshot, as it was.</param>
    /// <param name="xml">The snapshot's XML when the engine merges its layers (its branches' revert layers go too); null: libvirt merged them.</param>
    /// <param name="files">The files its XML named.</param>
    /// <param name="cancellationToken">Stops a merge (a block job is aborted).</param>
    internal async Task<long> FinishAsync(OperationRun run, LibvirtDomain dom, SnapshotInfo info, string? xml, SnapshotFiles files, CancellationToken cancellationToken)
    {
        await run.Run("remove-memory-file", () => RemoveMemoryFileIfUnused(run, dom, info), cancellationToken, info.Name).ConfigureAwait(false);
        await run.RunAsync("remove-overlays", () => RemoveOverlaysIfUnusedAsync(run, dom, info, xml), cancellationToken, info.Name).ConfigureAwait(false);
        return await run.RunAsync("merge-layers", () => new LayerMerger(context).MergeAsync(run, dom, files, info.Name, cancellationToken),
            cancellationToken, info.Name).ConfigureAwait(false);
    }

    // The overlay a deleted external snapshot's creation made is needed by nothing once the domain was
    // reverted away from it (a layer the domain runs on is merged next instead). It goes when no remaining snapshot
    // names it or has it in a backing chain and the domain's own chain does not run through it; when a chain
    // cannot be read, it stays.
    private async Task RemoveOverlaysIfUnusedAsync(OperationRun run, LibvirtDomain dom, SnapshotInfo deleted, string? xml)
    {
        var overlays = deleted.Disks.Where(d => d.Snapshot == SnapshotMode.External && d.File is not null && context.Files.Exists(d.File)).Select(d => d.File!).ToList();
        if (xml is not null)
            overlays.AddRange(await BranchTips.LayersAsync(xml, context.Files, CancellationToken.None).ConfigureAwait(false));
        if (overlays.Count == 0)
            return;
        List<SnapshotFiles> remaining;
        using (var all = OwnedHandles.Of(dom.ListAllSnapshots()))
            remaining = all.Select(s => RevertCleanup.FilesOf(s.GetXmlDesc())).ToList();
        var chainTops = RevertDefinition.DiskSources(XElement.Parse(dom.GetXmlDesc())).Values;
        var needed = await RevertCleanup.NeededAsync(remaining, chainTops, CancellationToken.None, context.Files).ConfigureAwait(false);
        if (needed.Contains(RevertCleanup.UnknownChain))
            return;
        foreach (var file in RevertCleanup.Deletable(overlays, needed))
        {
            context.Files.Delete(file);
            run.Ledger.Record("remove-overlays", $"removed overlay {file} of '{deleted.Name}'");
            Log.RemovedOverlay(context.Logger, file, deleted.Name);
        }
    }

    // libvirt merges the overlays of a deleted external snapshot but keeps its memory file. Removed only when
    // it is a save image (a redefined snapshot may name any file; virsh leaves it too) no other snapshot names.
    private void RemoveMemoryFileIfUnused(OperationRun run, LibvirtDomain dom, SnapshotInfo deleted)
    {
        if (deleted.MemoryFile is not { } file || !context.Files.Exists(file))
            return;
        if (!SaveImageHeader.HasMagic(file, context.Files))
        {
            Log.KeptForeignMemoryFile(context.Logger, file, deleted.Name);
            return;
        }
        using (var all = OwnedHandles.Of(dom.ListAllSnapshots()))
        {
            if (SnapshotDescriptions.DescribeAll(dom, all).Any(s => s.MemoryFile is { } other && Path.GetFullPath(other) == Path.GetFullPath(file)))
                return;
        }
        context.Files.Delete(file);
        run.Ledger.Record("remove-memory-file", $"removed memory file {file} of '{deleted.Name}'");
        Log.RemovedMemoryFile(context.Logger, file, deleted.Name);
    }
}
