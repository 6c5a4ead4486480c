using System.Xml.Linq;

namespace Snapshot.Engine;

/// <summary>
/// The second revert point of an external snapshot: the latest disk state of its branch, held by the layer the
/// domain ran on over the snapshot's frozen image. Per disk that is the newest (last written) of the
/// snapshot's own overlay and the revert layers made for it (<c>*.&lt;snapshot&gt;-revert-&lt;n&gt;.qcow2</c> beside the frozen image)
/// whose backing chain holds the frozen image; none left: the tip is gone. docs/revert.md.
/// </summary>
internal static class BranchTips
{
    /// <summary>Each frozen disk's tip, as a disk to put a fresh overlay on; throws NotFound naming the disk whose tip is gone.</summary>
    public static async Task<List<FrozenDisk>> FindAsync(string snapshot, XElement snapshotRoot, IReadOnlyList<FrozenDisk> frozen, IHypervisorFiles files, CancellationToken ct)
    {
        var tips = new List<FrozenDisk>();
        foreach (var disk in frozen)
        {
            var tip = await TipAsync(snapshot, snapshotRoot, disk, files, ct).ConfigureAwait(false)
                ?? throw new SnapshotException(SnapshotErrorKind.NotFound,
                    $"the branch tip of snapshot '{snapshot}' is gone: no layer over its frozen image '{disk.Path}' (disk {disk.Target}) exists any more; revert to the snapshot itself instead");
            tips.Add(new FrozenDisk(disk.Target, tip, "qcow2"));
        }
        return tips;
    }

    /// <summary>
    /// Whether every frozen disk of the snapshot still has a branch tip (snapshot-info); null when the question does
    /// not arise: an internal snapshot, or one whose frozen images are not there to revert to.
    /// </summary>
    public static async Task<bool?> ExistsAsync(string snapshotXml, IHypervisorFiles files, CancellationToken ct)
    {
        var root = XElement.Parse(snapshotXml);
        var name = (string?)root.Element("name") ?? "";
        var frozen = FrozenOf(name, root, files);
        if (frozen.Count == 0)
            return null;
        foreach (var disk in frozen)
        {
            if (await TipAsync(name, root, disk, files, ct).ConfigureAwait(false) is null)
                return false;
        }
        return true;
    }

    /// <summary>Every layer of the snapshot's branches that exists: its own overlays and its revert layers (delete, cleanup).</summary>
    public static async Task<List<string>> LayersAsync(string snapshotXml, IHypervisorFiles files, CancellationToken ct)
    {
        var root = XElement.Parse(snapshotXml);
        var name = (string?)root.Element("name") ?? "";
        var layers = new List<string>();
        foreach (var disk in FrozenOf(name, root, files))
            layers.AddRange((await LayersOverAsync(name, root, disk, files, ct).ConfigureAwait(false)).Select(l => l.Path));
        return layers;
    }

    private static async Task<string?> TipAsync(string snapshot, XElement snapshotRoot, FrozenDisk disk, IHypervisorFiles files, CancellationToken ct)
    {
        var layers = await LayersOverAsync(snapshot, snapshotRoot, disk, files, ct).ConfigureAwait(false);
        return layers.Count == 0 ? null : layers.MaxBy(l => l.Written).Path;
    }

    // The frozen disks of an external snapshot; none when it is internal or its frozen images are gone.
    private static List<FrozenDisk> FrozenOf(string name, XElement root, IHypervisorFiles files)
    {
        if (root.Element("domain") is not { } definition)
            return [];
        try
        {
            return ExternalRevertPreflight.FrozenDisks(name, root, definition, files);
        }
        catch (SnapshotException)
        {
            return [];
        }
    }

    // The existing layers whose backing chain holds the disk's frozen image: its own overlay and its revert layers.
    private static async Task<List<(string Path, DateTime Written)>> LayersOverAsync(string snapshot, XElement snapshotRoot, FrozenDisk disk, IHypervisorFiles files, CancellationToken ct)
    {
        var frozen = Path.GetFullPath(disk.Path);
        var directory = Path.GetDirectoryName(frozen) ?? "/";
        var candidates = new List<string>();
        foreach (var own in snapshotRoot.Element("disks")?.Elements("disk") ?? [])
        {
            var name = (string?)own.Attribute("name");
            if ((name == disk.Target || name == disk.Path) && (string?)own.Element("source")?.Attribute("file") is { } file)
                candidates.Add(Path.GetFullPath(file));
        }
        var suffix = $".{OverlayImages.Sanitize(snapshot)}-revert-";
        candidates.AddRange(files.List(directory).Where(f => Path.GetFileName(f) is { } n && n.Contains(suffix, StringComparison.Ordinal) && n.EndsWith(".qcow2", StringComparison.Ordinal)));
        var layers = new List<(string, DateTime)>();
        foreach (var candidate in candidates.Distinct(StringComparer.Ordinal).Where(files.Exists))
        {
            try
            {
                if ((await files.ChainAsync(candidate, ct).ConfigureAwait(false)).Skip(1).Select(c => c.File).Contains(frozen, StringComparer.Ordinal))
                    layers.Add((candidate, files.LastWriteUtc(candidate)));
            }
            catch (Exception e) when (e is SnapshotException or Snapshot.Interop.LibvirtException or FileNotFoundException)
            {
                // An image qemu-img cannot read is nobody's branch here: never a tip, never deleted as one.
            }
        }
        return layers;
    }
}
