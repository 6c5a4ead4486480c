using Snapshot.Interop;

namespace Snapshot.Engine;

public sealed partial class SnapshotEngine
{
    /// <summary>
    /// Deletes a snapshot, its children, or only its children. libvirt 9.0 validates an external
    /// deletion before it changes anything; when it refuses, the error says which case it is and what
    /// the user can do instead, and nothing was deleted.
    /// </summary>
    public async Task DeleteAsync(string domain, string name, SnapshotDeleteOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        cancellationToken.ThrowIfCancellationRequested();
        using var dom = Domain(domain);
        using var snapshot = Lookup(dom, name);
        var info = Describe(snapshot);
        var flags = options.Mode switch
        {
            SnapshotDeleteMode.Children => SnapshotDeleteFlags.Children,
            SnapshotDeleteMode.ChildrenOnly => SnapshotDeleteFlags.ChildrenOnly,
            _ => (SnapshotDeleteFlags)0,
        };
        if (options.MetadataOnly)
            flags |= SnapshotDeleteFlags.MetadataOnly;

        Log.Deleting(_logger, info.Name, dom.Name, flags);
        try
        {
            await Task.Run(() => snapshot.Delete(flags), CancellationToken.None).ConfigureAwait(false);
        }
        catch (LibvirtException e) when (!options.MetadataOnly && IsExternalRefusal(e, info, options))
        {
            throw new SnapshotException(SnapshotErrorKind.NotSupported, ExplainExternalRefusal(e, info, options), e);
        }
    }

    private static bool IsExternalRefusal(LibvirtException e, SnapshotInfo info, SnapshotDeleteOptions options) =>
        (info.Location == SnapshotLocation.External || options.Mode != SnapshotDeleteMode.Snapshot)
        && e.Code is LibvirtErrorCode.ConfigUnsupported or LibvirtErrorCode.OperationUnsupported
            or LibvirtErrorCode.OperationInvalid or LibvirtErrorCode.InvalidArg;

    // libvirt 9.0's refusals name the rule but not the way out; add it.
    private static string ExplainExternalRefusal(LibvirtException e, SnapshotInfo info, SnapshotDeleteOptions options)
    {
        var message = e.Message;
        string advice;
        if (message.Contains("children", StringComparison.OrdinalIgnoreCase) || message.Contains("leaf", StringComparison.OrdinalIgnoreCase))
            advice = $"libvirt 9.0 cannot merge the external snapshot '{info.Name}' while it has children; delete its descendants first (leaves first), or drop only libvirt's record with --metadata and keep the files";
        else if (message.Contains("base disk source", StringComparison.OrdinalIgnoreCase) || message.Contains("disk source chain", StringComparison.OrdinalIgnoreCase))
            advice = $"the domain no longer runs on the disk chain of '{info.Name}' (it was reverted elsewhere); libvirt 9.0 can only drop its record: use --metadata, then remove the files it lists ({string.Join(", ", FilesOf(info))}) once no other snapshot needs them";
        else if (message.Contains("not running", StringComparison.OrdinalIgnoreCase) || message.Contains("inactive", StringComparison.OrdinalIgnoreCase))
            advice = $"libvirt 9.0 merges external snapshots only while the domain runs; start the domain and retry, or use --metadata";
        else if (options.Mode != SnapshotDeleteMode.Snapshot)
            advice = "delete the descendants one at a time, leaves first, or use --metadata";
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
