namespace Snapshot.Engine;

/// <summary>
/// An option an error message names, kept apart from the words around it so that
/// <see cref="SnapshotException.FormatMessage"/> can spell it as a caller's flag.
/// </summary>
/// <param name="Name">The option's library name: a property of the engine's options, or a spec factory.</param>
/// <param name="Disk">For a disk's spec, the disk's name.</param>
internal sealed record OptionName(string Name, string? Disk = null)
{
    /// <summary>The library's words: the property, or the factory call that gives the spec.</summary>
    public string LibraryName => Name switch
    {
        "DiskSpec.Excluded" => $"DiskSpec.Excluded(\"{Disk}\")",
        "DiskSpec.External" => $"DiskSpec.External(\"{Disk}\", file)",
        "MemorySpec.External" => "MemorySpec.External(file)",
        _ => Name,
    };

    public override string ToString() => LibraryName;

    public static OptionName Modifier(string name) => new("Modifiers." + name);

    public static OptionName Filter(string name) => new("Filter." + name);

    public static OptionName DiskExternal(string disk) => new("DiskSpec.External", disk);

    public static OptionName DiskExcluded(string disk) => new("DiskSpec.Excluded", disk);

    public static readonly OptionName SnapshotName = new("Name");
    public static readonly OptionName Memory = new("Memory");
    public static readonly OptionName MemoryExternal = new("MemorySpec.External");
    public static readonly OptionName Disks = new("Disks");
    public static readonly OptionName Force = new("Force");
    public static readonly OptionName DiscardCurrent = new("DiscardCurrent");
    public static readonly OptionName MetadataOnly = new("MetadataOnly");
    public static readonly OptionName Keep = new("Keep");
    public static readonly OptionName OlderThan = new("OlderThan");
}
