using System.Xml.Linq;
using Snapshot.Interop;

namespace Snapshot.Engine;

/// <summary>
/// Deletes a snapshot, its children, or only its children, with their memory files.
/// libvirt 9.0 merges one external snapshot at a time but refuses the children modes when any of
/// them is external; the engine then deletes the descendants itself, leaves first, each step
/// validated by libvirt before it changes anything. Nothing deleted can be undone, so a failure
/// names what was deleted and what is left.
/// </summary>
internal sealed class SnapshotDelete(EngineContext context)
{
    public static readonly StepSequence Sequence = new("delete",
        new StepDefinition("look-up", "looking up the snapshot and its descendants"),
        new StepDefinition("delete-snapshot", "deleting a snapshot", Repeats: true),
        new StepDefinition("remove-memory-file", "removing a deleted snapshot's memory file", Repeats: true),
        new StepDefinition("remove-overlays", "removing a deleted snapshot's overlays that nothing needs", Repeats: true));

    public async Task RunAsync(DomainRef domain, string name, SnapshotDeleteOptions options, CancellationToken cancellationToken)
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
            if (options.MetadataOnly || options.Mode == SnapshotDeleteMode.Snapshot)
            {
                plan.Add((snapshot, info));
                await DeleteOneAsync(run, dom, snapshot, info, options.Mode, options.MetadataOnly, deleted, cancellationToken).ConfigureAwait(false);
                return;
            }

            descendants = OwnedHandles.Of(snapshot.ListAllChildren(SnapshotListFlags.Descendants | SnapshotListFlags.Topological));
            var infos = SnapshotDescriptions.DescribeAll(dom, descendants);
            if (info.Location == SnapshotLocation.Internal && infos.All(d => d.Location == SnapshotLocation.Internal))
            {
                plan.Add((snapshot, info));
                await DeleteOneAsync(run, dom, snapshot, info, options.Mode, metadataOnly: false, deleted, cancellationToken).ConfigureAwait(false);
                return;
            }

            plan.AddRange(Enumerable.Range(0, descendants.Count).Reverse().Select(i => (descendants[i], infos[i])));
            if (options.Mode == SnapshotDeleteMode.Children)
                plan.Add((snapshot, info));
            foreach (var (target, targetInfo) in plan)
            {
                cancellationToken.ThrowIfCancellationRequested();
                await DeleteOneAsync(run, dom, target, targetInfo, SnapshotDeleteMode.Snapshot, metadataOnly: false, deleted, cancellationToken).ConfigureAwait(false);
            }
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

    private async Task DeleteOneAsync(OperationRun run, LibvirtDomain dom, LibvirtDomainSnapshot snapshot, SnapshotInfo info, SnapshotDeleteMode mode, bool metadataOnly,
        List<string> deleted, CancellationToken cancellationToken)
    {
        var flags = mode switch
        {
            SnapshotDeleteMode.Children => SnapshotDeleteFlags.Children,
            SnapshotDeleteMode.ChildrenOnly => SnapshotDeleteFlags.ChildrenOnly,
            _ => (SnapshotDeleteFlags)0,
        };
        if (metadataOnly)
            flags |= SnapshotDeleteFlags.MetadataOnly;
        Log.Deleting(context.Logger, info.Name, dom.Name, flags);
        await run.RunAsync("delete-snapshot", async () =>
        {
            try
            {
                await Task.Run(() => snapshot.Delete(flags), CancellationToken.None).ConfigureAwait(false);
            }
            catch (LibvirtException e) when (!metadataOnly && mode == SnapshotDeleteMode.Snapshot && info.Location == SnapshotLocation.External
                && IsOffTheChain(e))
            {
                // libvirt 9.0: the domain was reverted away from this snapshot, so there is nothing to merge into
                // its chain. Drop the record, as libvirt 11.3 does; the files nothing needs go in the next steps.
                await Task.Run(() => snapshot.Delete(SnapshotDeleteFlags.MetadataOnly), CancellationToken.None).ConfigureAwait(false);
            }
            catch (LibvirtException e) when (!metadataOnly && info.Location == SnapshotLocation.External && IsRefusal(e))
            {
                throw SnapshotException.Naming(SnapshotErrorKind.NotSupported, ExplainExternalRefusal(e, info), e);
            }
            deleted.Add(info.Name);
            run.Ledger.Record("delete-snapshot", $"deleted snapshot '{info.Name}'",
                fact: JournalFact.Of(JournalFacts.SnapshotDeleted, "name", info.Name, "memory", info.MemoryFile));
        }, cancellationToken, info.Name).ConfigureAwait(false);
        if (!metadataOnly && mode == SnapshotDeleteMode.Snapshot)
        {
            await run.Run("remove-memory-file", () => RemoveMemoryFileIfUnused(run, dom, info), cancellationToken, info.Name).ConfigureAwait(false);
            await run.RunAsync("remove-overlays", () => RemoveOverlaysIfUnusedAsync(run, dom, info), cancellationToken, info.Name).ConfigureAwait(false);
        }
    }

    // libvirt 9.0 merges a deleted external snapshot's overlay (the file goes) or refuses. libvirt 11.3 also
    // deletes one the domain no longer runs on (reverted elsewhere): it drops the record and merges nothing,
    // so the overlay its creation made stays behind, needed by nothing. It goes when no remaining snapshot
    // names it or has it in a backing chain and the domain's own chain does not run through it; when a chain
    // cannot be read, it stays.
    private async Task RemoveOverlaysIfUnusedAsync(OperationRun run, LibvirtDomain dom, SnapshotInfo deleted)
    {
        var overlays = deleted.Disks.Where(d => d.Snapshot == SnapshotMode.External && d.File is not null && File.Exists(d.File)).Select(d => d.File!).ToList();
        if (overlays.Count == 0)
            return;
        List<SnapshotFiles> remaining;
        using (var all = OwnedHandles.Of(dom.ListAllSnapshots()))
            remaining = all.Select(s => RevertCleanup.FilesOf(s.GetXmlDesc())).ToList();
        var chainTops = RevertDefinition.DiskSources(XElement.Parse(dom.GetXmlDesc())).Values;
        var needed = await RevertCleanup.NeededAsync(remaining, chainTops, CancellationToken.None).ConfigureAwait(false);
        if (needed.Contains(RevertCleanup.UnknownChain))
            return;
        foreach (var file in RevertCleanup.Deletable(overlays, needed))
        {
            File.Delete(file);
            run.Ledger.Record("remove-overlays", $"removed overlay {file} of '{deleted.Name}'");
            Log.RemovedOverlay(context.Logger, file, deleted.Name);
        }
    }

    // libvirt merges the overlays of a deleted external snapshot but keeps its memory file. Removed only when
    // it is a save image (a redefined snapshot may name any file; virsh leaves it too) no other snapshot names.
    private void RemoveMemoryFileIfUnused(OperationRun run, LibvirtDomain dom, SnapshotInfo deleted)
    {
        if (deleted.MemoryFile is not { } file || !File.Exists(file))
            return;
        if (!SaveImageHeader.HasMagic(file))
        {
            Log.KeptForeignMemoryFile(context.Logger, file, deleted.Name);
            return;
        }
        using (var all = OwnedHandles.Of(dom.ListAllSnapshots()))
        {
            if (SnapshotDescriptions.DescribeAll(dom, all).Any(s => s.MemoryFile is { } other && Path.GetFullPath(other) == Path.GetFullPath(file)))
                return;
        }
        File.Delete(file);
        run.Ledger.Record("remove-memory-file", $"removed memory file {file} of '{deleted.Name}'");
        Log.RemovedMemoryFile(context.Logger, file, deleted.Name);
    }

    private static bool IsOffTheChain(LibvirtException e) =>
        e.Code == LibvirtErrorCode.InvalidArg && e.Message.Contains("base disk source in disk source chain", StringComparison.OrdinalIgnoreCase);

    private static bool IsRefusal(LibvirtException e) =>
        e.Code is LibvirtErrorCode.ConfigUnsupported or LibvirtErrorCode.OperationUnsupported
            or LibvirtErrorCode.OperationInvalid or LibvirtErrorCode.InvalidArg;

    // libvirt 9.0's refusals name the rule but not the way out; add it.
    private static FormattableString ExplainExternalRefusal(LibvirtException e, SnapshotInfo info)
    {
        var message = e.Message;
        if (message.Contains("base disk source", StringComparison.OrdinalIgnoreCase) || message.Contains("disk source chain", StringComparison.OrdinalIgnoreCase))
            return $"{message} (the domain no longer runs on the disk chain of '{info.Name}' (it was reverted elsewhere), so libvirt 9.0 cannot merge it; use {OptionName.MetadataOnly} to drop only its record, then remove its files ({string.Join(", ", FilesOf(info))}) once no other snapshot needs them); nothing was deleted";
        if (message.Contains("children", StringComparison.OrdinalIgnoreCase) || message.Contains("leaf", StringComparison.OrdinalIgnoreCase))
            return $"{message} (libvirt 9.0 cannot merge '{info.Name}' in this position; delete its descendants first, or use {OptionName.MetadataOnly} to drop only its record and keep the files); nothing was deleted";
        return $"{message} (use {OptionName.MetadataOnly} to drop only libvirt's record and keep the files); nothing was deleted";
    }

    private static IEnumerable<string> FilesOf(SnapshotInfo info)
    {
        if (info.MemoryFile is not null)
            yield return info.MemoryFile;
        foreach (var disk in info.Disks)
            if (disk.File is not null)
                yield return disk.File;
    }
}
