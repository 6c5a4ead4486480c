using System.Xml.Linq;
using Snapshot.Interop;

namespace Snapshot.Engine;

/// <summary>
/// The check an internal revert makes before libvirt's: QEMU's <c>loadvm</c> rewrites the image holding the
/// snapshot in place, so a revert is refused while something else needs that image as it is: an external snapshot
/// that froze it or has it below its images, an internal snapshot in an image backed by it, or the domain's current
/// disk backed by it (a layer the engine keeps as a branch tip, unless the revert discards the current state). Other
/// internal snapshots in the same image are no dependants: <c>loadvm</c> keeps them.
/// </summary>
internal static class InternalRevertPreflight
{
    /// <summary>
    /// Refuses (BadInput, one line) the revert to <paramref name="snapshot"/> when the images holding it have dependants;
    /// returns the domain's current disks it leaves, which the revert's <see cref="SnapshotRevertOptions.DiscardCurrent"/> discards.
    /// </summary>
    public static async Task<List<string>> CheckAsync(LibvirtDomain dom, LibvirtDomainSnapshot snapshot, bool discardCurrent, IHypervisorFiles files,
        CancellationToken cancellationToken)
    {
        var name = snapshot.Name;
        var xml = snapshot.GetXmlDesc();
        List<(string Name, string Xml)> others;
        using (var all = OwnedHandles.Of(dom.ListAllSnapshots()))
            others = all.Where(s => s.Name != name).Select(s => (s.Name, s.GetXmlDesc())).ToList();
        var current = RevertDefinition.DiskSources(XElement.Parse(dom.GetXmlDesc()));
        var chains = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        async Task<IReadOnlyList<string>> ChainOf(string image)
        {
            if (!chains.TryGetValue(image, out var chain))
            {
                chain = files.Exists(image) ? (await files.ChainAsync(image, cancellationToken).ConfigureAwait(false)).Select(c => Path.GetFullPath(c.File)).ToList() : [];
                chains[image] = chain;
            }
            return chain;
        }
        if (await RefusalAsync(name, xml, others, discardCurrent ? [] : current, ChainOf).ConfigureAwait(false) is { } refusal)
            throw refusal;
        return current.Values.ToList();
    }

    /// <summary>
    /// The refusal, or null when the revert is safe. Pure but for <paramref name="chainOf"/>: an image's backing chain
    /// (full paths, the image first; empty when it does not exist).
    /// </summary>
    /// <param name="name">The internal snapshot.</param>
    /// <param name="snapshotXml">Its XML.</param>
    /// <param name="others">Every other snapshot of the domain, with its XML.</param>
    /// <param name="currentDisks">The domain's current disk sources by target that the revert would keep (none when it discards them).</param>
    /// <param name="chainOf">Reads a backing chain.</param>
    internal static async Task<SnapshotException?> RefusalAsync(string name, string snapshotXml, IEnumerable<(string Name, string Xml)> others,
        IReadOnlyDictionary<string, string> currentDisks, Func<string, Task<IReadOnlyList<string>>> chainOf)
    {
        var held = RevertCleanup.FilesOf(snapshotXml).Frozen.ToHashSet(StringComparer.Ordinal);
        if (held.Count == 0)
            return null;
        var rewritten = new SortedSet<string>(StringComparer.Ordinal);
        var snapshots = new List<string>();
        foreach (var (other, xml) in others)
        {
            var files = RevertCleanup.FilesOf(xml);
            var needs = new HashSet<string>(StringComparer.Ordinal);
            // An external snapshot's state is its frozen images as they are; any snapshot's images need what is below them.
            if (SnapshotXmlReader.Parse("", xml, isCurrent: false).Location == SnapshotLocation.External)
                needs.UnionWith(files.Frozen.Where(held.Contains));
            foreach (var image in files.Overlays.Concat(files.Frozen))
                needs.UnionWith((await chainOf(image).ConfigureAwait(false)).Skip(1).Where(held.Contains));
            if (needs.Count == 0)
                continue;
            rewritten.UnionWith(needs);
            snapshots.Add($"'{other}'");
        }
        var disks = new List<string>();
        foreach (var (target, source) in currentDisks)
        {
            var below = (await chainOf(Path.GetFullPath(source)).ConfigureAwait(false)).Skip(1).Where(held.Contains).ToList();
            if (below.Count == 0)
                continue;
            rewritten.UnionWith(below);
            disks.Add($"{target} ({source})");
        }
        if (snapshots.Count == 0 && disks.Count == 0)
            return null;
        var dependants = new List<string>();
        if (snapshots.Count > 0)
            dependants.Add((snapshots.Count == 1 ? "snapshot " : "snapshots ") + string.Join(", ", snapshots));
        if (disks.Count > 0)
            dependants.Add((disks.Count == 1 ? "the domain's current disk " : "the domain's current disks ") + string.Join(", ", disks));
        var one = snapshots.Count + disks.Count == 1;
        var start = $"reverting to internal snapshot '{name}' would rewrite {string.Join(", ", rewritten)} in place (QEMU's loadvm), "
            + $"which {string.Join(" and ", dependants)} {(one ? "depends" : "depend")} on: ";
        var deleteFirst = snapshots.Count == 1 ? "delete that snapshot first (or revert to it instead)" : "delete those snapshots first (or revert to one of them instead)";
        return snapshots.Count == 0
            ? SnapshotException.Naming(SnapshotErrorKind.BadInput, $"{start}pass {OptionName.DiscardCurrent} to discard the state the current disk holds")
            : disks.Count == 0
                ? new SnapshotException(SnapshotErrorKind.BadInput, start + deleteFirst)
                : SnapshotException.Naming(SnapshotErrorKind.BadInput, $"{start}{deleteFirst}, and pass {OptionName.DiscardCurrent} to discard the state the current disk holds");
    }
}
