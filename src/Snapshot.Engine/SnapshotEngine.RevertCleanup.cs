using Snapshot.Interop;

namespace Snapshot.Engine;

public sealed partial class SnapshotEngine
{
    private static List<SnapshotFiles> DescendantFiles(LibvirtDomainSnapshot snapshot)
    {
        var descendants = snapshot.ListAllChildren(SnapshotListFlags.Descendants);
        try
        {
            return descendants.Select(d => RevertCleanup.FilesOf(d.GetXmlDesc())).ToList();
        }
        finally
        {
            foreach (var d in descendants)
                d.Dispose();
        }
    }

    private static async Task<HashSet<string>> NeededBySnapshotsAsync(LibvirtDomain dom, IEnumerable<string> newOverlays, CancellationToken cancellationToken)
    {
        var remaining = dom.ListAllSnapshots();
        List<SnapshotFiles> remainingFiles;
        try
        {
            remainingFiles = remaining.Select(s => RevertCleanup.FilesOf(s.GetXmlDesc())).ToList();
        }
        finally
        {
            foreach (var s in remaining)
                s.Dispose();
        }
        return await RevertCleanup.NeededAsync(remainingFiles, newOverlays, cancellationToken).ConfigureAwait(false);
    }

    // The same, started early (beside the restore); null when it failed, and the cleanup then reads it again.
    private static Task<HashSet<string>?> NeededAfterRevertAsync(LibvirtDomain dom, IReadOnlyList<string> newOverlays, CancellationToken cancellationToken) =>
        Task.Run(async () =>
        {
            try
            {
                return await NeededBySnapshotsAsync(dom, newOverlays, cancellationToken).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // any failure: computed again after the revert, where it is reported
            catch (Exception)
#pragma warning restore CA1031
            {
                return (HashSet<string>?)null;
            }
        }, CancellationToken.None);

    // Deletes the files only discarded descendants used, and the layer the domain ran on before when it
    // was a revert layer nothing names; keeps (and reports) any other abandoned layer. docs/revert.md.
    private async Task CleanUpAfterRevertAsync(LibvirtDomain dom, List<SnapshotFiles> discarded, List<string> abandoned,
        IEnumerable<string> newOverlays, HashSet<string>? neededBefore, CancellationToken cancellationToken)
    {
        var needed = neededBefore ?? await NeededBySnapshotsAsync(dom, newOverlays, cancellationToken).ConfigureAwait(false);
        var unknownChain = needed.Contains(RevertCleanup.UnknownChain);

        var candidates = new List<string>();
        foreach (var files in discarded)
        {
            if (files.Memory is not null)
                candidates.Add(files.Memory);
            if (!unknownChain)
            {
                candidates.AddRange(files.Overlays);
                candidates.AddRange(files.Frozen.Where(OverlayImages.IsRevertLayer));
            }
        }
        foreach (var layer in abandoned)
        {
            if (!unknownChain && OverlayImages.IsRevertLayer(layer))
                candidates.Add(layer);
            else if (!needed.Contains(Path.GetFullPath(layer)))
                Log.AbandonedLayerKept(_logger, layer, dom.Name);
        }
        foreach (var file in RevertCleanup.Deletable(candidates, needed))
        {
            try
            {
                if (!File.Exists(file))
                    continue;
                File.Delete(file);
                Log.RevertFileDeleted(_logger, file);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Log.RevertFileNotDeleted(_logger, file, e.Message);
            }
        }
    }
}
