namespace Snapshot.Engine;

/// <summary>
/// virsh's <c>--memspec</c> and <c>--diskspec</c> syntax: comma-separated <c>key=value</c> parts,
/// where <c>,,</c> stands for a literal comma.
/// </summary>
internal static class SpecSyntax
{
    public static MemorySpec ParseMemory(string text)
    {
        string? snapshot = null, file = null;
        var parts = Split(text);
        if (parts.Count == 0)
            throw Bad("memspec", text);
        foreach (var part in parts)
        {
            if (snapshot is null && part.StartsWith("snapshot=", StringComparison.Ordinal))
                snapshot = part["snapshot=".Length..];
            else if (file is null && part.StartsWith("file=", StringComparison.Ordinal))
                file = part["file=".Length..];
            else if (file is null && part.StartsWith('/'))
                file = part;
            else
                throw Bad("memspec", text);
        }
        return new MemorySpec(snapshot, file);
    }

    public static DiskSpec ParseDisk(string text)
    {
        var parts = Split(text);
        if (parts.Count == 0 || parts[0].Length == 0)
            throw Bad("diskspec", text);
        string? snapshot = null, driver = null, stype = null, file = null;
        foreach (var part in parts.Skip(1))
        {
            if (snapshot is null && part.StartsWith("snapshot=", StringComparison.Ordinal))
                snapshot = part["snapshot=".Length..];
            else if (driver is null && part.StartsWith("driver=", StringComparison.Ordinal))
                driver = part["driver=".Length..];
            else if (stype is null && part.StartsWith("stype=", StringComparison.Ordinal))
                stype = part["stype=".Length..];
            else if (file is null && part.StartsWith("file=", StringComparison.Ordinal))
                file = part["file=".Length..];
            else
                throw Bad("diskspec", text);
        }
        if (stype is not null and not "file" and not "block")
            throw new SnapshotException(SnapshotErrorKind.BadInput, $"Unknown storage type: '{stype}'");
        return new DiskSpec(parts[0], snapshot, driver, stype, file);
    }

    private static List<string> Split(string text)
    {
        var parts = new List<string>();
        var current = new System.Text.StringBuilder();
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] != ',')
            {
                current.Append(text[i]);
            }
            else if (i + 1 < text.Length && text[i + 1] == ',')
            {
                current.Append(',');
                i++;
            }
            else
            {
                parts.Add(current.ToString());
                current.Clear();
            }
        }
        if (text.Length > 0)
            parts.Add(current.ToString());
        return parts;
    }

    private static SnapshotException Bad(string what, string text) =>
        new(SnapshotErrorKind.BadInput, $"unable to parse {what}: {text}");
}
