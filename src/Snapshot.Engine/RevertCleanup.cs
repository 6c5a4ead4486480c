using System.Xml.Linq;

namespace Snapshot.Engine;

/// <summary>
/// Which files a revert may delete afterwards, and which it must keep. A file is deleted only when it
/// is a candidate (a discarded descendant's memory file or overlay, or a revert layer the domain ran on
/// before) and no remaining snapshot nor the domain's new chain needs it: the backing chains of every
/// remaining snapshot's frozen images and overlays, their memory files, and the new overlays' chains.
/// </summary>
internal static class RevertCleanup
{
    /// <summary>The files a snapshot's XML names: its memory file, its overlays and its frozen images.</summary>
    public static SnapshotFiles FilesOf(string snapshotXml)
    {
        var root = XElement.Parse(snapshotXml);
        var memory = (string?)root.Element("memory")?.Attribute("file");
        var overlays = new List<string>();
        var frozen = new List<string>();
        var sources = root.Element("domain") is { } domain ? RevertDefinition.DiskSources(domain) : [];
        foreach (var disk in root.Element("disks")?.Elements("disk") ?? [])
        {
            if ((string?)disk.Attribute("snapshot") != "external")
                continue;
            if ((string?)disk.Element("source")?.Attribute("file") is { } overlay)
                overlays.Add(Full(overlay));
            var name = (string?)disk.Attribute("name");
            if (name is not null && sources.TryGetValue(name, out var source))
                frozen.Add(Full(source));
        }
        return new SnapshotFiles(memory is null ? null : Full(memory), overlays, frozen);
    }

    /// <summary>The candidates to delete that nothing in <paramref name="needed"/> holds. Pure.</summary>
    public static IReadOnlyList<string> Deletable(IEnumerable<string> candidates, IReadOnlySet<string> needed) =>
        candidates.Select(Full).Distinct(StringComparer.Ordinal).Where(c => !needed.Contains(c)).ToList();

    /// <summary>Every file the remaining snapshots and the new chain need, with their backing chains.</summary>
    public static async Task<HashSet<string>> NeededAsync(IEnumerable<SnapshotFiles> remaining, IEnumerable<string> newChainTops, CancellationToken cancellationToken)
    {
        var needed = new HashSet<string>(StringComparer.Ordinal);
        var images = new List<string>();
        foreach (var files in remaining)
        {
            if (files.Memory is not null)
                needed.Add(files.Memory);
            images.AddRange(files.Overlays);
            images.AddRange(files.Frozen);
        }
        images.AddRange(newChainTops.Select(Full));
        foreach (var image in images)
        {
            if (needed.Contains(image))
            {
                continue;
            }
            needed.Add(image);
            if (!File.Exists(image))
                continue;
            try
            {
                needed.UnionWith(await OverlayImages.BackingChainAsync(image, cancellationToken).ConfigureAwait(false));
            }
            catch (SnapshotException)
            {
                // An image qemu-img cannot read still counts as needed; its chain is unknown, so the
                // caller keeps every revert layer that could be below it.
                needed.Add(UnknownChain);
            }
        }
        return needed;
    }

    /// <summary>Marks a needed set in which some chain could not be read: then nothing but memory files is deleted.</summary>
    public const string UnknownChain = "\0unknown-chain";

    private static string Full(string path) => Path.GetFullPath(path);
}

/// <summary>The files one snapshot names.</summary>
/// <param name="Memory">Its memory file, if any.</param>
/// <param name="Overlays">The overlays its creation made (the disks' new active layers).</param>
/// <param name="Frozen">The images it froze (the disk sources of its domain definition).</param>
internal sealed record SnapshotFiles(string? Memory, IReadOnlyList<string> Overlays, IReadOnlyList<string> Frozen);
