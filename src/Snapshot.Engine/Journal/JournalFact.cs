using System.Globalization;

namespace Snapshot.Engine;

/// <summary>
/// One thing a step created or changed, in a form a later process can act on: a kind (<see cref="JournalFacts"/>)
/// and its values (paths, names, saved settings), all strings so the file stays readable and versionless.
/// Recorded in the journal as soon as it is true, so a process killed right after knows it.
/// </summary>
/// <param name="Kind">What happened: one of <see cref="JournalFacts"/>' constants (another operation may add its own).</param>
/// <param name="Values">What recovery needs to undo or finish it.</param>
internal sealed record JournalFact(string Kind, Dictionary<string, string> Values)
{
    public string? this[string key] => Values.GetValueOrDefault(key);

    /// <summary>A fact whose values are the pairs given: key, value, key, value...; a null value is left out.</summary>
    public static JournalFact Of(string kind, params string?[] pairs)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < pairs.Length; i += 2)
            if (pairs[i + 1] is { } value)
                values[pairs[i]!] = value;
        return new JournalFact(kind, values);
    }
}

/// <summary>The facts the engine's operations record, and what recovery does with each.</summary>
internal static class JournalFacts
{
    /// <summary>A file this run made (path; role: memory, overlay; backing for an overlay). Recovery deletes it only if nothing points at it.</summary>
    public const string FileCreated = "file-created";

    /// <summary>The guest was paused by this run. Recovery resumes it if it is still paused.</summary>
    public const string GuestPaused = "guest-paused";

    /// <summary>A QEMU migration setting this run changed (name; restore: the value to put back). Recovery puts it back.</summary>
    public const string MigrationSetting = "migration-setting";

    /// <summary>A descriptor handed to QEMU (name). Recovery closes it when no migration took it.</summary>
    public const string QemuFd = "qemu-fd";

    /// <summary>
    /// QEMU opens the memory file itself (path): until the engine writes the header, after <c>migrate</c>, the file is
    /// empty or starts with zeros. Recovery knows it for this run's partial file so.
    /// </summary>
    public const string QemuOpensFile = "qemu-opens-file";

    /// <summary>QEMU's background-snapshot migration was started. Recovery lets it end (or cancels it once it hangs).</summary>
    public const string MigrationStarted = "migration-started";

    /// <summary>The disks run on overlays now (target=overlay pairs, backing). Recovery leaves them so: a valid chain, nothing lost.</summary>
    public const string DisksSwitched = "disks-switched";

    /// <summary>What registering the snapshot needs (name; xml: the REDEFINE document). Recovery rolls forward with it.</summary>
    public const string SnapshotDefinition = "snapshot-definition";

    /// <summary>The memory file is complete (path). With <see cref="SnapshotDefinition"/>, recovery registers the snapshot.</summary>
    public const string MemoryComplete = "memory-complete";

    /// <summary>The snapshot is in libvirt's metadata (name). Recovery rolls forward.</summary>
    public const string SnapshotRegistered = "snapshot-registered";

    /// <summary>The domain before the run changed it (state: running, paused, shutoff; xml: its inactive definition). Recovery puts it back.</summary>
    public const string DomainSaved = "domain-saved";

    /// <summary>The domain's process was destroyed (state it had). Recovery boots it again if it rolls back.</summary>
    public const string DomainStopped = "domain-stopped";

    /// <summary>The domain was defined anew (the previous definition is the <see cref="DomainSaved"/> fact's).</summary>
    public const string DomainDefined = "domain-defined";

    /// <summary>The domain was started from the snapshot (state it was started in). Recovery rolls forward.</summary>
    public const string DomainStarted = "domain-started";

    /// <summary>The snapshot an operation works on (name; xml for a revert's make-current).</summary>
    public const string SnapshotTarget = "snapshot-target";

    /// <summary>A snapshot was deleted from libvirt's metadata (name). Cannot be undone; recovery rolls forward.</summary>
    public const string SnapshotDeleted = "snapshot-deleted";

    /// <summary>
    /// A delete's merge of two layers began (disk, removed, kept, direction; block-job when QEMU runs it). Recovery
    /// aborts a block job it left, then runs the delete's last steps again.
    /// </summary>
    public const string MergeStarted = "merge-started";

    /// <summary><see cref="FileCreated"/>'s roles.</summary>
    public const string MemoryRole = "memory";

    public const string OverlayRole = "overlay";

    public static JournalFact Created(string path, string role, string? backing = null) => JournalFact.Of(FileCreated, "path", path, "role", role, "backing", backing);

    public static JournalFact Setting(string name, string restore) => JournalFact.Of(MigrationSetting, "name", name, "restore", restore);

    public static JournalFact Setting(string name, long restore) => Setting(name, restore.ToString(CultureInfo.InvariantCulture));
}
