using System.Text;

namespace Snapshot.Engine;

/// <summary>
/// Builds the &lt;domainsnapshot&gt; XML that snapshot-create-as sends, byte for byte as virsh builds
/// it (two-space indent, single-quoted attributes, <c>&lt;x/&gt;</c> for empty elements, an empty
/// request as an open and a close tag). Every value is escaped (<c>&amp; &lt; &gt; ' "</c>), so no
/// name or path can inject markup.
/// </summary>
internal static class SnapshotXmlWriter
{
    public static string Build(SnapshotCreateOptions options)
    {
        var xml = new StringBuilder("<domainsnapshot>\n");
        if (options.Name is not null)
            xml.Append("  <name>").Append(Escape(options.Name)).Append("</name>\n");
        if (options.Description is not null)
            xml.Append("  <description>").Append(Escape(options.Description)).Append("</description>\n");
        if (options.Memory is { } memory)
        {
            xml.Append("  <memory");
            Attribute(xml, "snapshot", memory.Snapshot);
            Attribute(xml, "file", memory.File);
            xml.Append("/>\n");
        }
        if (options.Disks.Count > 0)
        {
            xml.Append("  <disks>\n");
            foreach (var disk in options.Disks)
                WriteDisk(xml, disk);
            xml.Append("  </disks>\n");
        }
        return xml.Append("</domainsnapshot>\n").ToString();
    }

    private static void WriteDisk(StringBuilder xml, DiskSpec disk)
    {
        xml.Append("    <disk");
        Attribute(xml, "name", disk.Name);
        Attribute(xml, "snapshot", disk.Snapshot);
        Attribute(xml, "type", disk.SourceType);
        if (disk.Driver is null && disk.File is null)
        {
            xml.Append("/>\n");
            return;
        }
        xml.Append(">\n");
        if (disk.Driver is not null)
            xml.Append("      <driver type='").Append(Escape(disk.Driver)).Append("'/>\n");
        if (disk.File is not null)
            xml.Append("      <source ").Append(disk.SourceType == "block" ? "dev" : "file").Append("='").Append(Escape(disk.File)).Append("'/>\n");
        xml.Append("    </disk>\n");
    }

    private static void Attribute(StringBuilder xml, string name, string? value)
    {
        if (value is not null)
            xml.Append(' ').Append(name).Append("='").Append(Escape(value)).Append('\'');
    }

    /// <summary>virBufferEscapeString's escaping.</summary>
    private static string Escape(string value)
    {
        if (value.AsSpan().IndexOfAny("&<>'\"") < 0)
            return value;
        var sb = new StringBuilder(value.Length + 16);
        foreach (var c in value)
        {
            sb.Append(c switch
            {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '\'' => "&apos;",
                '"' => "&quot;",
                _ => c.ToString(),
            });
        }
        return sb.ToString();
    }
}
