namespace Snapshot.Engine;

/// <summary>
/// The flag rules of snapshot creation, with libvirt's meaning, checked before anything touches the
/// domain so that a bad request fails with one clear line and changes nothing.
/// </summary>
internal static class CreateRules
{
    /// <summary>An empty name is a mistake, not "no name": null lets libvirt choose one.</summary>
    public static void CheckName(string? name) =>
        Require(name is null || name.Length > 0, $"{OptionName.SnapshotName} is empty; give a name, or null to let libvirt choose one");

    /// <summary>Rules that depend on the request alone.</summary>
    public static void CheckRequest(SnapshotCreateModifiers m, MemorySpec? memory, IReadOnlyList<DiskSpec> disks)
    {
        // The instant rules first: they name the real reason where a generic rule would also fire.
        if (m.Instant)
        {
            Require(!m.DiskOnly, $"{OptionName.Modifier("Instant")} cannot go with {OptionName.Modifier("DiskOnly")}: an instant snapshot saves the guest's memory");
            Require(!m.Redefine, $"{OptionName.Modifier("Instant")} cannot go with {OptionName.Modifier("Redefine")}: redefining captures no new state");
            Require(!m.Halt, $"{OptionName.Modifier("Instant")} cannot go with {OptionName.Modifier("Halt")}: the guest keeps running while its memory is written");
            Require(!m.NoMetadata, $"{OptionName.Modifier("Instant")} cannot go with {OptionName.Modifier("NoMetadata")}: the snapshot is registered in libvirt's metadata");
            Require(memory is { File: not null } && memory.Snapshot is null or SnapshotMode.External,
                $"{OptionName.Modifier("Instant")} needs a memory file: {OptionName.MemoryExternal} (an instant snapshot is external, with memory)");
            foreach (var disk in disks)
                Require(disk.Snapshot is null or SnapshotMode.External or SnapshotMode.No,
                    $"{OptionName.Modifier("Instant")} takes external disk snapshots only; disk '{disk.Name}' asks for snapshot={disk.Snapshot?.ToLibvirtWord()}");
        }

        Require(!m.Quiesce || m.DiskOnly, $"{OptionName.Modifier("Quiesce")} requires {OptionName.Modifier("DiskOnly")} (the guest agent freezes file systems for disk-only snapshots)");
        Require(!(m.Live && m.Redefine), $"{OptionName.Modifier("Live")} cannot go with {OptionName.Modifier("Redefine")}: redefining captures no new state");
        Require(!(m.Halt && m.Redefine), $"{OptionName.Modifier("Halt")} cannot go with {OptionName.Modifier("Redefine")}: redefining captures no new state");
        Require(!(m.NoMetadata && m.Redefine), $"{OptionName.Modifier("NoMetadata")} cannot go with {OptionName.Modifier("Redefine")}: redefining only writes metadata");
        Require(!m.Current || m.Redefine, $"{OptionName.Modifier("Current")} requires {OptionName.Modifier("Redefine")}");
        Require(!(m.Live && m.DiskOnly) || m.Instant, $"{OptionName.Modifier("Live")} applies to snapshots with memory; it cannot go with {OptionName.Modifier("DiskOnly")}");
        Require(!(m.DiskOnly && memory is { Snapshot: SnapshotMode.Internal or SnapshotMode.External } or { File: not null, Snapshot: null }),
            $"{OptionName.Memory} cannot go with {OptionName.Modifier("DiskOnly")}: a disk-only snapshot saves no memory");
        Require(!(m.ReuseExternal && m.Redefine), $"{OptionName.Modifier("ReuseExternal")} cannot go with {OptionName.Modifier("Redefine")}");

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var disk in disks)
            Require(names.Add(disk.Name), $"disk '{disk.Name}' is given more than once in {OptionName.Disks}");
    }

    /// <summary>Rules that depend on the domain's state.</summary>
    public static void CheckState(SnapshotCreateModifiers m, bool domainActive)
    {
        if (m.Instant)
            Require(domainActive, $"{OptionName.Modifier("Instant")} requires a running domain: the snapshot captures its live memory");
        else if (m.Live)
            Require(domainActive, $"{OptionName.Modifier("Live")} requires a running domain");
        if (m.Quiesce)
            Require(domainActive, $"{OptionName.Modifier("Quiesce")} requires a running domain with a guest agent");
    }

    private static void Require(bool condition, FormattableString message)
    {
        if (!condition)
            throw SnapshotException.Naming(SnapshotErrorKind.BadInput, message);
    }
}
