namespace Snapshot.Engine;

/// <summary>One image of a disk's chain: its file, format and bytes allocated on the host.</summary>
internal sealed record ChainImage(string File, string Format, long Bytes);

/// <summary>Which way a free layer goes: its child committed down into it, or it pulled up into its child.</summary>
internal enum MergeDirection
{
    /// <summary>The upper layer's data is committed into the lower one; the upper file goes, its names move down.</summary>
    Down,

    /// <summary>The lower layer's data is pulled into the upper one, whose contents do not change; the lower file goes.</summary>
    Up,
}

/// <summary>
/// One merge of two neighbouring layers of a disk's chain, <see cref="Upper"/> directly on <see cref="Lower"/>.
/// <see cref="Below"/> is the lower layer's own backing image (null: the lower layer is the base), <see cref="Above"/>
/// the image backed by the upper one (null: the upper layer is the active one).
/// </summary>
internal sealed record LayerMerge(string Disk, ChainImage? Above, ChainImage Upper, ChainImage Lower, ChainImage? Below, MergeDirection Direction)
{
    /// <summary>Whether the upper layer is the one the domain writes to.</summary>
    public bool UpperIsActive => Above is null;

    /// <summary>The bytes the merge copies: the upper layer's allocation going down, the lower one's going up.</summary>
    public long Bytes => Direction == MergeDirection.Down ? Upper.Bytes : Lower.Bytes;

    /// <summary>The file the merge leaves unused.</summary>
    public string Removed => Direction == MergeDirection.Down ? Upper.File : Lower.File;

    /// <summary>The file that holds the merged data afterwards.</summary>
    public string Kept => Direction == MergeDirection.Down ? Lower.File : Upper.File;
}


/// <summary>
/// Chooses the next merge of a disk's chain after a delete. Pure. A layer may be merged away only when it is
/// <em>free</em>: a file the deleted snapshot named or a layer a revert made (never an image the domain was
/// given, such as a shared template), that no remaining snapshot names and that no image outside the domain's
/// chain is backed by. Its neighbour above keeps its contents either way: going down, the upper layer's data
/// lands in the free one and every name of the upper file moves to it (so the upper layer must have no
/// dependent outside the chain); going up, the free layer's data is copied into the upper one. Of the two, the
/// one that copies fewer bytes (a base image only ever takes the layer above it in); a running domain's QEMU does it with a block job, which can pull only into
/// its active layer, a shut-off one's with qemu-img.
/// </summary>
internal static class LayerMergePlanner
{
    /// <param name="disk">The disk's target name.</param>
    /// <param name="chain">The disk's chain, its active layer first.</param>
    /// <param name="candidates">The files that may be merged away: the deleted snapshot's and revert layers.</param>
    /// <param name="named">Every image a remaining snapshot names (frozen images and overlays).</param>
    /// <param name="outside">Every image in the backing chain of a needed image that is not in the domain's chain.</param>
    /// <param name="online">Whether a QEMU process runs the chain (block jobs) or not (qemu-img).</param>
    /// <param name="goneOverlays">The deleted snapshot's overlays: a merge that keeps one comes second, whatever its bytes,
    /// since a file named for a snapshot that is gone would stay behind once the domain is reverted away from it.</param>
    /// <param name="removable">The files a merge may leave unused and remove, those made for snapshots (<see cref="SnapshotLayers"/>); null: any.</param>
    public static LayerMerge? Next(string disk, IReadOnlyList<ChainImage> chain, IReadOnlySet<string> candidates, IReadOnlySet<string> named,
        IReadOnlySet<string> outside, bool online, IReadOnlySet<string>? goneOverlays = null, IReadOnlySet<string>? removable = null)
    {
        for (var i = 1; i < chain.Count; i++)
        {
            var lower = chain[i];
            if (!candidates.Contains(lower.File) || named.Contains(lower.File) || outside.Contains(lower.File))
                continue;
            var upper = chain[i - 1];
            var below = i + 1 < chain.Count ? chain[i + 1] : null;
            var above = i >= 2 ? chain[i - 2] : null;
            var options = new List<LayerMerge>();
            // A block job pulls only into the active layer; qemu-img rebases any image QEMU is not using. A base
            // image is never pulled up: it would go, and it is the domain's own disk file.
            if (below is not null && (above is null || !online))
                options.Add(new LayerMerge(disk, above, upper, lower, below, MergeDirection.Up));
            if (!outside.Contains(upper.File))
                options.Add(new LayerMerge(disk, above, upper, lower, below, MergeDirection.Down));
            options.RemoveAll(o => removable?.Contains(o.Removed) == false);
            if (options.Count > 0)
                return options.OrderBy(o => goneOverlays?.Contains(o.Kept) == true).ThenBy(o => o.Bytes).First();
        }
        return null;
    }
}
