using Snapshot.Interop;

namespace Snapshot.Engine;

/// <summary>snapshot-list's filters as libvirt's list flags, with the combinations libvirt refuses caught first.</summary>
internal static class ListRules
{
    public static void Check(SnapshotListFilter f)
    {
        if (f.From is not null && f.FromCurrent)
            throw Bad("--from and --current cannot go together");
        if (f.Descendants && f.From is null && !f.FromCurrent)
            throw Bad("--descendants requires --from or --current");
        if (f.Roots && (f.From is not null || f.FromCurrent))
            throw Bad("--roots cannot go with --from or --current");
        if (f.Roots && f.Descendants)
            throw Bad("--roots cannot go with --descendants");
        if (f.Leaves && f.NoLeaves && f.Roots)
            throw Bad("--roots cannot go with both --leaves and --no-leaves");
    }

    public static SnapshotListFlags ToFlags(SnapshotListFilter f)
    {
        SnapshotListFlags flags = 0;
        // ROOTS and DESCENDANTS share one bit: its meaning depends on whether a start snapshot is given.
        if (f.Roots || f.Descendants)
            flags |= SnapshotListFlags.Roots;
        if (f.Leaves)
            flags |= SnapshotListFlags.Leaves;
        if (f.NoLeaves)
            flags |= SnapshotListFlags.NoLeaves;
        if (f.Metadata)
            flags |= SnapshotListFlags.Metadata;
        if (f.NoMetadata)
            flags |= SnapshotListFlags.NoMetadata;
        if (f.Inactive)
            flags |= SnapshotListFlags.Inactive;
        if (f.Active)
            flags |= SnapshotListFlags.Active;
        if (f.DiskOnly)
            flags |= SnapshotListFlags.DiskOnly;
        if (f.Internal)
            flags |= SnapshotListFlags.Internal;
        if (f.External)
            flags |= SnapshotListFlags.External;
        if (f.Topological)
            flags |= SnapshotListFlags.Topological;
        return flags;
    }

    private static SnapshotException Bad(string message) => new(SnapshotErrorKind.BadInput, message);
}
