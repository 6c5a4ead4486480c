using System.Xml.Linq;
using Microsoft.Extensions.Logging;
using Snapshot.Interop;

namespace Snapshot.Engine;

/// <summary>
/// Which files a revert may delete afterwards, and which it must keep. A file is deleted only when it
/// is a candidate (a discarded descendant's memory file or overlay, or a revert layer the domain ran on
/// before) and no remaining snapshot nor the domain's new chain needs it: the backing chains of every
/// remaining snapshot's frozen images and overlays, their memory files, and the new overlays' chains.
/// </summary>
internal static partial class RevertCleanup
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
            var mode = (string?)disk.Attribute("snapshot");
            if (mode is not ("external" or "internal"))
                continue;
            if (mode == "external" && (string?)disk.Element("source")?.Attribute("file") is { } overlay)
                overlays.Add(Full(overlay));
            // An internal snapshot's data is in the image it was taken in, which its revert (QEMU's loadvm) rewrites:
            // named like a frozen image, it is never merged into, merged away or removed while the snapshot remains.
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
    public static async Task<HashSet<string>> NeededAsync(IEnumerable<SnapshotFiles> remaining, IEnumerable<string> newChainTops, CancellationToken cancellationToken, IHypervisorFiles? hypervisor = null)
    {
        hypervisor ??= LocalFiles.Instance;
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
            if (!hypervisor.Exists(image))
                continue;
            try
            {
                needed.UnionWith((await hypervisor.ChainAsync(image, cancellationToken).ConfigureAwait(false)).Select(c => c.File));
            }
            catch (Exception e) when (e is SnapshotException or LibvirtException or FileNotFoundException)
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

    public static List<SnapshotFiles> DescendantFiles(LibvirtDomainSnapshot snapshot)
    {
        using var descendants = OwnedHandles.Of(snapshot.ListAllChildren(SnapshotListFlags.Descendants));
        return descendants.Select(d => FilesOf(d.GetXmlDesc())).ToList();
    }

    /// <summary>The layers of the descendants' branches (their overlays and revert layers): discarded with them.</summary>
    public static async Task<HashSet<string>> DescendantBranchLayersAsync(LibvirtDomainSnapshot snapshot, IHypervisorFiles hypervisor, CancellationToken cancellationToken)
    {
        List<string> xmls;
        using (var descendants = OwnedHandles.Of(snapshot.ListAllChildren(SnapshotListFlags.Descendants)))
            xmls = descendants.Select(d => d.GetXmlDesc()).ToList();
        var layers = new HashSet<string>(StringComparer.Ordinal);
        foreach (var xml in xmls)
            layers.UnionWith(await BranchTips.LayersAsync(xml, hypervisor, cancellationToken).ConfigureAwait(false));
        return layers;
    }

    private static async Task<HashSet<string>> NeededBySnapshotsAsync(LibvirtDomain dom, IEnumerable<string> newOverlays, IHypervisorFiles hypervisor, CancellationToken cancellationToken)
    {
        List<SnapshotFiles> remainingFiles;
        using (var remaining = OwnedHandles.Of(dom.ListAllSnapshots()))
            remainingFiles = remaining.Select(s => FilesOf(s.GetXmlDesc())).ToList();
        return await NeededAsync(remainingFiles, newOverlays, cancellationToken, hypervisor).ConfigureAwait(false);
    }

    // The same, started early (beside the restore); null when it failed, and the cleanup then reads it again.
    public static Task<HashSet<string>?> NeededAfterRevertAsync(LibvirtDomain dom, IReadOnlyList<string> newOverlays, IHypervisorFiles hypervisor, CancellationToken cancellationToken) =>
        Task.Run(async () =>
        {
            try
            {
                return await NeededBySnapshotsAsync(dom, newOverlays, hypervisor, cancellationToken).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // any failure: computed again after the revert, where it is reported
            catch (Exception)
#pragma warning restore CA1031
            {
                return (HashSet<string>?)null;
            }
        }, CancellationToken.None);

    // Deletes the files only discarded descendants used (their branches' layers with them), and the layer the domain
    // ran on before when it was a revert layer nothing needs and the user discards it (or it was a discarded
    // descendant's); keeps any other abandoned layer: a revert layer holds a branch tip, a file virt-snap did not
    // create is the user's. docs/revert.md.
    public static async Task CleanUpAfterRevertAsync(ILogger logger, LibvirtDomain dom, List<SnapshotFiles> discarded, IReadOnlyCollection<string> discardedLayers,
        List<string> abandoned, bool discardCurrent, IEnumerable<string> newOverlays, HashSet<string>? neededBefore, IHypervisorFiles hypervisor, CancellationToken cancellationToken)
    {
        var needed = neededBefore ?? await NeededBySnapshotsAsync(dom, newOverlays, hypervisor, cancellationToken).ConfigureAwait(false);
        var unknownChain = needed.Contains(UnknownChain);

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
        if (!unknownChain)
            candidates.AddRange(discardedLayers);
        foreach (var layer in abandoned)
        {
            var full = Path.GetFullPath(layer);
            var revertLayer = OverlayImages.IsRevertLayer(layer);
            if (!unknownChain && revertLayer && (discardCurrent || discardedLayers.Contains(full)))
                candidates.Add(layer);
            else if (revertLayer && !needed.Contains(full))
            {
                BranchTipKept(logger, layer, dom.Name);
                if (!unknownChain)
                    candidates.AddRange(SupersededTips(full, hypervisor));
            }
            else if (!needed.Contains(full))
                AbandonedLayerKept(logger, layer, dom.Name);
        }
        foreach (var file in Deletable(candidates, needed))
        {
            try
            {
                if (!hypervisor.Exists(file))
                    continue;
                hypervisor.Delete(file);
                RevertFileDeleted(logger, file);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or LibvirtException)
            {
                RevertFileNotDeleted(logger, file, e.Message);
            }
        }
    }

    // The revert layers made for the same snapshot before the one just left: that one is the newest state of the
    // snapshot's branch (its tip), so the older ones hold nothing a revert can still reach; a snapshot taken on one
    // of them needs it, and Deletable keeps it then.
    private static IEnumerable<string> SupersededTips(string tip, IHypervisorFiles hypervisor)
    {
        var name = Path.GetFileName(tip);
        var prefix = name[..(name.LastIndexOf("-revert-", StringComparison.Ordinal) + "-revert-".Length)];
        var directory = Path.GetDirectoryName(tip) ?? "/";
        return hypervisor.List(directory)
            .Where(f => f != tip && Path.GetFileName(f).StartsWith(prefix, StringComparison.Ordinal) && OverlayImages.IsRevertLayer(f));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted {File}, which only discarded snapshots or an abandoned revert layer used")]
    private static partial void RevertFileDeleted(ILogger logger, string file);

    [LoggerMessage(Level = LogLevel.Information, Message = "Kept {File}, the layer {Domain} ran on before the revert: it holds a branch tip (discard it with DiscardCurrent)")]
    private static partial void BranchTipKept(ILogger logger, string file, string domain);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Kept {File}, the layer {Domain} ran on before the revert: no snapshot names it and virt-snap did not create it")]
    private static partial void AbandonedLayerKept(ILogger logger, string file, string domain);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not delete {File}: {Message}")]
    private static partial void RevertFileNotDeleted(ILogger logger, string file, string message);
}

/// <summary>The files one snapshot names.</summary>
/// <param name="Memory">Its memory file, if any.</param>
/// <param name="Overlays">The overlays its creation made (the disks' new active layers).</param>
/// <param name="Frozen">The images it froze (the disk sources of its domain definition); for an internal snapshot, the images holding it.</param>
internal sealed record SnapshotFiles(string? Memory, IReadOnlyList<string> Overlays, IReadOnlyList<string> Frozen);
