using System.Text;
using Snapshot.Interop;

namespace Snapshot.Engine;

/// <summary>
/// Which disk images a delete may remove: only those made for snapshots. A snapshot's XML names its overlays while
/// it exists; once it is deleted an overlay of it that another snapshot still needs (as its frozen image) is named
/// by nothing that says it was made for a snapshot, so the delete records it first, in
/// <c>&lt;state&gt;/layers/&lt;lock key&gt;.list</c> (one absolute path a line, 0600; written under the domain's lock,
/// atomically). A revert layer (<c>*.&lt;snapshot&gt;-revert-&lt;n&gt;.qcow2</c>) is virt-snap's by its name. Anything
/// else, such as an overlay the user made by hand that became a snapshot's frozen image, is never removed.
/// </summary>
internal sealed class SnapshotLayers
{
    private readonly string _path;
    private readonly IHypervisorFiles _images;

    /// <param name="context">The engine's connection (the record's key) and its file access (the images are the hypervisor's).</param>
    /// <param name="domain">The domain whose snapshots' images are recorded.</param>
    public SnapshotLayers(EngineContext context, LibvirtDomain domain)
    {
        _path = Path.Combine(StateDirectory.Persistent, "layers", DomainLock.KeyOf(context.Connection.Uri, domain.Uuid) + ".list");
        _images = context.Files;
    }

    /// <summary>The images recorded as a deleted snapshot's overlays that still exist (the record itself is this host's).</summary>
    public HashSet<string> Recorded()
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(_path, Encoding.UTF8);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return new HashSet<string>(StringComparer.Ordinal);
        }
        return lines.Where(l => l.Length > 0 && _images.Exists(l)).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>Records <paramref name="overlays"/> (a snapshot's, before its record goes) and forgets the images that are gone.</summary>
    public void Record(IEnumerable<string> overlays)
    {
        var known = Recorded();
        var before = known.Count;
        known.UnionWith(overlays.Select(Path.GetFullPath).Where(_images.Exists));
        if (known.Count == before && File.Exists(_path))
            return;
        StateDirectory.WriteAtomically(_path, Encoding.UTF8.GetBytes(string.Concat(known.Order(StringComparer.Ordinal).Select(f => f + "\n"))));
    }

    /// <summary>
    /// Every image a delete may remove once nothing needs it: the recorded ones, the overlays the domain's snapshots
    /// name (<paramref name="snapshotOverlays"/>), and the revert layers among <paramref name="candidates"/>.
    /// </summary>
    public HashSet<string> Removable(IEnumerable<string> snapshotOverlays, IEnumerable<string> candidates)
    {
        var removable = Recorded();
        removable.UnionWith(snapshotOverlays);
        removable.UnionWith(candidates.Where(OverlayImages.IsRevertLayer));
        return removable;
    }
}
