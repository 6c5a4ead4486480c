namespace Snapshot.Engine;

/// <summary>The state a snapshot captured (libvirt's <c>&lt;state&gt;</c>).</summary>
public enum SnapshotState
{
    /// <summary>No state recorded (<c>nostate</c>).</summary>
    NoState,

    /// <summary>The guest was running.</summary>
    Running,

    /// <summary>The guest was blocked on a resource.</summary>
    Blocked,

    /// <summary>The guest was paused.</summary>
    Paused,

    /// <summary>The guest was shutting down.</summary>
    Shutdown,

    /// <summary>The guest was shut off.</summary>
    Shutoff,

    /// <summary>The guest had crashed.</summary>
    Crashed,

    /// <summary>The guest was suspended by power management.</summary>
    PMSuspended,

    /// <summary>A disk-only snapshot: no guest state at all (<c>disk-snapshot</c>).</summary>
    DiskSnapshot,
}

/// <summary>How a snapshot keeps the memory or a disk (libvirt's <c>snapshot</c> attribute).</summary>
public enum SnapshotMode
{
    /// <summary>Not kept: memory not saved, or the disk left out (<c>no</c>).</summary>
    No,

    /// <summary>Inside the disk image (qcow2 internal snapshot).</summary>
    Internal,

    /// <summary>In a separate file: a memory file, or a new overlay that becomes the disk's active layer.</summary>
    External,

    /// <summary>Left to the caller, who snapshots the disk by other means (<c>manual</c>).</summary>
    Manual,
}

/// <summary>What an external disk snapshot's new file is (libvirt's disk <c>type</c>).</summary>
public enum DiskSourceType
{
    /// <summary>A file.</summary>
    File,

    /// <summary>A block device.</summary>
    Block,
}

/// <summary>What a long snapshot operation is doing while it reports progress.</summary>
public enum SnapshotPhase
{
    /// <summary>Writing the guest's memory.</summary>
    Memory,
}

/// <summary>libvirt's words for the engine's enums, as its XML and virsh print them.</summary>
public static class LibvirtWords
{
    /// <summary>libvirt's word for a state: <c>running</c>, <c>shutoff</c>, <c>disk-snapshot</c>, ...</summary>
    /// <param name="state">The state.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="state"/> is not one of the enum's values.</exception>
    public static string ToLibvirtWord(this SnapshotState state) => state switch
    {
        SnapshotState.NoState => "nostate",
        SnapshotState.Running => "running",
        SnapshotState.Blocked => "blocked",
        SnapshotState.Paused => "paused",
        SnapshotState.Shutdown => "shutdown",
        SnapshotState.Shutoff => "shutoff",
        SnapshotState.Crashed => "crashed",
        SnapshotState.PMSuspended => "pmsuspended",
        SnapshotState.DiskSnapshot => "disk-snapshot",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, null),
    };

    /// <summary>libvirt's word for a mode: <c>no</c>, <c>internal</c>, <c>external</c>, <c>manual</c>.</summary>
    /// <param name="mode">The mode.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="mode"/> is not one of the enum's values.</exception>
    public static string ToLibvirtWord(this SnapshotMode mode) => mode switch
    {
        SnapshotMode.No => "no",
        SnapshotMode.Internal => "internal",
        SnapshotMode.External => "external",
        SnapshotMode.Manual => "manual",
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, null),
    };

    /// <summary>libvirt's word for a source type: <c>file</c> or <c>block</c>.</summary>
    /// <param name="type">The type.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="type"/> is not one of the enum's values.</exception>
    public static string ToLibvirtWord(this DiskSourceType type) => type switch
    {
        DiskSourceType.File => "file",
        DiskSourceType.Block => "block",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    /// <summary>The phase's word, e.g. <c>memory</c>.</summary>
    /// <param name="phase">The phase.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="phase"/> is not one of the enum's values.</exception>
    public static string ToLibvirtWord(this SnapshotPhase phase) => phase switch
    {
        SnapshotPhase.Memory => "memory",
        _ => throw new ArgumentOutOfRangeException(nameof(phase), phase, null),
    };

    internal static SnapshotState ParseState(string? word) =>
        Enum.GetValues<SnapshotState>().FirstOrDefault(s => s.ToLibvirtWord() == word, SnapshotState.NoState);

    /// <summary>A mode from libvirt's word; null for none or one this engine does not know.</summary>
    internal static SnapshotMode? FindMode(string? word) =>
        Enum.GetValues<SnapshotMode>().Cast<SnapshotMode?>().FirstOrDefault(m => m!.Value.ToLibvirtWord() == word);

    /// <summary>A mode from a caller's word; an unknown one is refused with libvirt's own message for it.</summary>
    internal static SnapshotMode? ParseMode(string? word, string element) =>
        word is null ? null
        : FindMode(word) ?? throw new SnapshotException(SnapshotErrorKind.BadInput, $"XML error: Invalid value for attribute 'snapshot' in element '{element}': '{word}'.");

    internal static DiskSourceType? ParseSourceType(string? word) => word switch
    {
        null => null,
        "file" => DiskSourceType.File,
        "block" => DiskSourceType.Block,
        _ => throw new SnapshotException(SnapshotErrorKind.BadInput, $"Unknown storage type: '{word}'"),
    };
}
