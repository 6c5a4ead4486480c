using Snapshot.Interop;

namespace Snapshot.Engine;

/// <summary>snapshot-list's filters as libvirt's list flags, with the combinations libvirt refuses caught first.</summary>
internal static class ListRules
{
    public static void Check(SnapshotListFilter f)
    {
        if (f.From is not null && f.FromCurrent)
            throw Bad($"{OptionName.Filter("From")} and {OptionName.Filter("FromCurrent")} cannot go together");
        if (f.Descendants && f.From is null && !f.FromCurrent)
            throw Bad($"{OptionName.Filter("Descendants")} requires {OptionName.Filter("From")} or {OptionName.Filter("FromCurrent")}");
        if (f.Roots && (f.From is not null || f.FromCurrent))
            throw Bad($"{OptionName.Filter("Roots")} cannot go with {OptionName.Filter("From")} or {OptionName.Filter("FromCurrent")}");
        if (f.Roots && f.Descendants)
            throw Bad($"{OptionName.Filter("Roots")} cannot go with {OptionName.Filter("Descendants")}");
        if (f.Leaves && f.NoLeaves && f.Roots)
            throw Bad($"{OptionName.Filter("Roots")} cannot go with both {OptionName.Filter("Leaves")} and {OptionName.Filter("NoLeaves")}");
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

    private static SnapshotException Bad(FormattableString message) => SnapshotException.Naming(SnapshotErrorKind.BadInput, message);
}
