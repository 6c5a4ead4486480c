using Snapshot.Interop;

namespace Snapshot.Engine;

public sealed partial class SnapshotEngine
{
    /// <summary>
    /// Deletes a snapshot, its children, or only its children, with their memory files.
    /// libvirt 9.0 merges one external snapshot at a time but refuses the children modes when any of
    /// them is external; the engine then deletes the descendants itself, leaves first, each step
    /// validated by libvirt before it changes anything. A failure names what was deleted and what is left.
    /// </summary>
    public async Task DeleteAsync(string domain, string name, SnapshotDeleteOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        cancellationToken.ThrowIfCancellationRequested();
        using var dom = Domain(domain);
        using var snapshot = Lookup(dom, name);
        var info = Describe(snapshot);

        if (options.MetadataOnly || options.Mode == SnapshotDeleteMode.Snapshot)
        {
            await DeleteOneAsync(dom, snapshot, info, options.Mode, options.MetadataOnly).ConfigureAwait(false);
            return;
        }

        var descendants = snapshot.ListAllChildren(SnapshotListFlags.Descendants | SnapshotListFlags.Topological);
        try
        {
            var infos = DescribeAll(dom, descendants);
            if (info.Location == SnapshotLocation.Internal && infos.All(d => d.Location == SnapshotLocation.Internal))
            {
                await DeleteOneAsync(dom, snapshot, info, options.Mode, metadataOnly: false).ConfigureAwait(false);
                return;
            }

            var plan = Enumerable.Range(0, descendants.Count).Reverse().Select(i => (descendants[i], infos[i])).ToList();
            if (options.Mode == SnapshotDeleteMode.Children)
                plan.Add((snapshot, info));
            var deleted = new List<string>();
            foreach (var (target, targetInfo) in plan)
            {
                cancellationToken.ThrowIfCancellationRequested();
                try
                {
                    await DeleteOneAsync(dom, target, targetInfo, SnapshotDeleteMode.Snapshot, metadataOnly: false).ConfigureAwait(false);
                }
                catch (Exception e) when (deleted.Count > 0 && e is LibvirtException or SnapshotException)
                {
                    var left = plan.Select(p => p.Item2.Name).Except(deleted);
                    throw new SnapshotException(Classify(e),
                        $"{e.Message}; deleted so far (leaves first): {string.Join(", ", deleted)}; still present: {string.Join(", ", left)}", e);
                }
                deleted.Add(targetInfo.Name);
            }
        }
        finally
        {
            foreach (var d in descendants)
                d.Dispose();
        }
    }

    private async Task DeleteOneAsync(LibvirtDomain dom, LibvirtDomainSnapshot snapshot, SnapshotInfo info, SnapshotDeleteMode mode, bool metadataOnly)
    {
        var flags = mode switch
        {
            SnapshotDeleteMode.Children => SnapshotDeleteFlags.Children,
            SnapshotDeleteMode.ChildrenOnly => SnapshotDeleteFlags.ChildrenOnly,
            _ => (SnapshotDeleteFlags)0,
        };
        if (metadataOnly)
            flags |= SnapshotDeleteFlags.MetadataOnly;
        Log.Deleting(_logger, info.Name, dom.Name, flags);
        try
        {
            await Task.Run(() => snapshot.Delete(flags), CancellationToken.None).ConfigureAwait(false);
        }
        catch (LibvirtException e) when (!metadataOnly && info.Location == SnapshotLocation.External && IsRefusal(e))
        {
            throw new SnapshotException(SnapshotErrorKind.NotSupported, ExplainExternalRefusal(e, info), e);
        }
        if (!metadataOnly && mode == SnapshotDeleteMode.Snapshot)
            RemoveMemoryFileIfUnused(dom, info);
    }

    // libvirt merges the overlays of a deleted external snapshot but keeps its memory file.
    private void RemoveMemoryFileIfUnused(LibvirtDomain dom, SnapshotInfo deleted)
    {
        if (deleted.MemoryFile is not { } file || !File.Exists(file))
            return;
        var all = dom.ListAllSnapshots();
        try
        {
            if (DescribeAll(dom, all).Any(s => s.MemoryFile == file))
                return;
        }
        finally
        {
            foreach (var s in all)
                s.Dispose();
        }
        File.Delete(file);
        Log.RemovedMemoryFile(_logger, file, deleted.Name);
    }

    private static bool IsRefusal(LibvirtException e) =>
        e.Code is LibvirtErrorCode.ConfigUnsupported or LibvirtErrorCode.OperationUnsupported
            or LibvirtErrorCode.OperationInvalid or LibvirtErrorCode.InvalidArg;

    // libvirt 9.0's refusals name the rule but not the way out; add it.
    private static string ExplainExternalRefusal(LibvirtException e, SnapshotInfo info)
    {
        var message = e.Message;
        string advice;
        if (message.Contains("base disk source", StringComparison.OrdinalIgnoreCase) || message.Contains("disk source chain", StringComparison.OrdinalIgnoreCase))
            advice = $"the domain no longer runs on the disk chain of '{info.Name}' (it was reverted elsewhere), so libvirt 9.0 cannot merge it; use --metadata to drop only its record, then remove its files ({string.Join(", ", FilesOf(info))}) once no other snapshot needs them";
        else if (message.Contains("children", StringComparison.OrdinalIgnoreCase) || message.Contains("leaf", StringComparison.OrdinalIgnoreCase))
            advice = $"libvirt 9.0 cannot merge '{info.Name}' in this position; delete its descendants first, or use --metadata to drop only its record and keep the files";
        else
            advice = "use --metadata to drop only libvirt's record and keep the files";
        return $"{message} ({advice}); nothing was deleted";
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
