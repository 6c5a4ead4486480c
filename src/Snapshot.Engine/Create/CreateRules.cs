namespace Snapshot.Engine;

/// <summary>
/// The flag rules of snapshot creation, with libvirt's meaning, checked before anything touches the
/// domain so that a bad request fails with one clear line and changes nothing.
/// </summary>
internal static class CreateRules
{
    /// <summary>Rules that depend on the request alone.</summary>
    public static void CheckRequest(SnapshotCreateModifiers m, MemorySpec? memory, IReadOnlyList<DiskSpec> disks)
    {
        // The instant rules first: they name the real reason where a generic rule would also fire.
        if (m.Instant)
        {
            Require(!m.DiskOnly, "--instant cannot go with --disk-only: an instant snapshot saves the guest's memory");
            Require(!m.Redefine, "--instant cannot go with --redefine: redefining captures no new state");
            Require(!m.Halt, "--instant cannot go with --halt: the guest keeps running while its memory is written");
            Require(!m.NoMetadata, "--instant cannot go with --no-metadata: the snapshot is registered in libvirt's metadata");
            Require(memory is { File: not null } && memory.Snapshot is null or "external",
                "--instant needs a memory file: --memspec FILE (an instant snapshot is external, with memory)");
            foreach (var disk in disks)
                Require(disk.Snapshot is null or "external" or "no",
                    $"--instant takes external disk snapshots only; disk '{disk.Name}' asks for snapshot={disk.Snapshot}");
        }

        Require(!m.Quiesce || m.DiskOnly, "--quiesce requires --disk-only (the guest agent freezes file systems for disk-only snapshots)");
        Require(!(m.Live && m.Redefine), "--live cannot go with --redefine: redefining captures no new state");
        Require(!(m.Halt && m.Redefine), "--halt cannot go with --redefine: redefining captures no new state");
        Require(!(m.NoMetadata && m.Redefine), "--no-metadata cannot go with --redefine: redefining only writes metadata");
        Require(!m.Current || m.Redefine, "--current requires --redefine");
        Require(!(m.Live && m.DiskOnly) || m.Instant, "--live applies to snapshots with memory; it cannot go with --disk-only");
        Require(!(m.DiskOnly && memory is { Snapshot: "internal" or "external" } or { File: not null, Snapshot: null }),
            "--memspec cannot go with --disk-only: a disk-only snapshot saves no memory");
        Require(!(m.ReuseExternal && m.Redefine), "--reuse-external cannot go with --redefine");

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var disk in disks)
            Require(names.Add(disk.Name), $"disk '{disk.Name}' is given more than once in --diskspec");
    }

    /// <summary>Rules that depend on the domain's state.</summary>
    public static void CheckState(SnapshotCreateModifiers m, bool domainActive)
    {
        if (m.Instant)
            Require(domainActive, "--instant requires a running domain: the snapshot captures its live memory");
        else if (m.Live)
            Require(domainActive, "--live requires a running domain");
        if (m.Quiesce)
            Require(domainActive, "--quiesce requires a running domain with a guest agent");
    }

    private static void Require(bool condition, string message)
    {
        if (!condition)
            throw new SnapshotException(SnapshotErrorKind.BadInput, message);
    }
}
