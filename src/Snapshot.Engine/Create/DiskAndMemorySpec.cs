using System.Diagnostics.CodeAnalysis;

namespace Snapshot.Engine;

/// <summary>The memory part of a snapshot request (virsh's <c>--memspec</c>).</summary>
/// <param name="Snapshot">Internal, External or No; null lets libvirt choose (External when a file is given).</param>
/// <param name="File">The memory file, for External.</param>
public sealed record MemorySpec(SnapshotMode? Snapshot, string? File) : IParsable<MemorySpec>
{
    /// <summary>An external memory snapshot into <paramref name="file"/> (what an instant snapshot needs).</summary>
    /// <param name="file">The memory file: an absolute path that does not exist yet.</param>
    /// <exception cref="ArgumentException"><paramref name="file"/> is null or empty.</exception>
    public static MemorySpec External(string file)
    {
        ArgumentException.ThrowIfNullOrEmpty(file);
        return new MemorySpec(SnapshotMode.External, file);
    }

    /// <summary>No memory saved.</summary>
    public static MemorySpec None { get; } = new(SnapshotMode.No, null);

    /// <summary>Parses virsh's <c>--memspec</c> syntax: <c>[file=]PATH[,snapshot=MODE]</c>, <c>,,</c> for a literal comma.</summary>
    /// <param name="s">The spec.</param>
    /// <exception cref="ArgumentNullException"><paramref name="s"/> is null.</exception>
    /// <exception cref="SnapshotException">The spec does not parse (<see cref="SnapshotErrorKind.BadInput"/>).</exception>
    public static MemorySpec Parse(string s)
    {
        ArgumentNullException.ThrowIfNull(s);
        return SpecSyntax.ParseMemory(s);
    }

    static MemorySpec IParsable<MemorySpec>.Parse(string s, IFormatProvider? provider) => Parse(s);

    static bool IParsable<MemorySpec>.TryParse([NotNullWhen(true)] string? s, IFormatProvider? provider, [MaybeNullWhen(false)] out MemorySpec result) =>
        TryParse(s, out result);

    /// <summary>Parses virsh's <c>--memspec</c> syntax without throwing.</summary>
    /// <param name="s">The spec.</param>
    /// <param name="result">The spec, or null when it does not parse.</param>
    public static bool TryParse([NotNullWhen(true)] string? s, [MaybeNullWhen(false)] out MemorySpec result) =>
        SpecSyntax.TryParse(s, SpecSyntax.ParseMemory, out result);
}

/// <summary>One disk of a snapshot request (virsh's <c>--diskspec</c>).</summary>
/// <param name="Name">The disk's target (e.g. <c>vda</c>) or source path.</param>
/// <param name="Snapshot">Internal, External, No or Manual; null lets libvirt choose.</param>
/// <param name="Driver">The overlay format, e.g. <c>qcow2</c>.</param>
/// <param name="SourceType">What the new file is, a file or a block device; null: a file.</param>
/// <param name="File">The overlay file (or block device).</param>
public sealed record DiskSpec(string Name, SnapshotMode? Snapshot = null, string? Driver = null, DiskSourceType? SourceType = null, string? File = null)
    : IParsable<DiskSpec>
{
    /// <summary>The disk on a new overlay <paramref name="file"/> (an external disk snapshot).</summary>
    /// <param name="name">The disk's target, e.g. <c>vda</c>.</param>
    /// <param name="file">The overlay's path.</param>
    /// <exception cref="ArgumentException"><paramref name="name"/> or <paramref name="file"/> is null or empty.</exception>
    public static DiskSpec External(string name, string file)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(file);
        return new DiskSpec(name, SnapshotMode.External, File: file);
    }

    /// <summary>The disk left out of the snapshot.</summary>
    /// <param name="name">The disk's target, e.g. <c>vdb</c>.</param>
    /// <exception cref="ArgumentException"><paramref name="name"/> is null or empty.</exception>
    public static DiskSpec Excluded(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return new DiskSpec(name, SnapshotMode.No);
    }

    /// <summary>Parses virsh's <c>--diskspec</c> syntax: <c>DISK[,snapshot=MODE][,driver=TYPE][,stype=TYPE][,file=PATH]</c>.</summary>
    /// <param name="s">The spec.</param>
    /// <exception cref="ArgumentNullException"><paramref name="s"/> is null.</exception>
    /// <exception cref="SnapshotException">The spec does not parse (<see cref="SnapshotErrorKind.BadInput"/>).</exception>
    public static DiskSpec Parse(string s)
    {
        ArgumentNullException.ThrowIfNull(s);
        return SpecSyntax.ParseDisk(s);
    }

    static DiskSpec IParsable<DiskSpec>.Parse(string s, IFormatProvider? provider) => Parse(s);

    static bool IParsable<DiskSpec>.TryParse([NotNullWhen(true)] string? s, IFormatProvider? provider, [MaybeNullWhen(false)] out DiskSpec result) =>
        TryParse(s, out result);

    /// <summary>Parses virsh's <c>--diskspec</c> syntax without throwing.</summary>
    /// <param name="s">The spec.</param>
    /// <param name="result">The spec, or null when it does not parse.</param>
    public static bool TryParse([NotNullWhen(true)] string? s, [MaybeNullWhen(false)] out DiskSpec result) =>
        SpecSyntax.TryParse(s, SpecSyntax.ParseDisk, out result);
}
