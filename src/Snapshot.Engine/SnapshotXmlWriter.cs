using System.Text;
using System.Xml;

namespace Snapshot.Engine;

/// <summary>
/// Builds the &lt;domainsnapshot&gt; XML that snapshot-create-as sends, with a real XML writer so that
/// any name or path (quotes, ampersands, angle brackets) round-trips and can never inject markup.
/// </summary>
internal static class SnapshotXmlWriter
{
    private static readonly XmlWriterSettings Settings = new()
    {
        OmitXmlDeclaration = true,
        Indent = true,
        IndentChars = "  ",
        NewLineChars = "\n",
        Encoding = new UTF8Encoding(false),
    };

    public static string Build(SnapshotCreateOptions options)
    {
        var text = new StringBuilder();
        using (var xml = XmlWriter.Create(text, Settings))
        {
            xml.WriteStartElement("domainsnapshot");
            if (options.Name is not null)
                xml.WriteElementString("name", options.Name);
            if (options.Description is not null)
                xml.WriteElementString("description", options.Description);
            if (options.Memory is { } memory)
            {
                xml.WriteStartElement("memory");
                WriteOptionalAttribute(xml, "snapshot", memory.Snapshot);
                WriteOptionalAttribute(xml, "file", memory.File);
                xml.WriteEndElement();
            }
            if (options.Disks.Count > 0)
            {
                xml.WriteStartElement("disks");
                foreach (var disk in options.Disks)
                    WriteDisk(xml, disk);
                xml.WriteEndElement();
            }
            xml.WriteEndElement();
        }
        return text.Append('\n').ToString();
    }

    private static void WriteDisk(XmlWriter xml, DiskSpec disk)
    {
        xml.WriteStartElement("disk");
        xml.WriteAttributeString("name", disk.Name);
        WriteOptionalAttribute(xml, "snapshot", disk.Snapshot);
        WriteOptionalAttribute(xml, "type", disk.SourceType);
        if (disk.Driver is not null)
        {
            xml.WriteStartElement("driver");
            xml.WriteAttributeString("type", disk.Driver);
            xml.WriteEndElement();
        }
        if (disk.File is not null)
        {
            xml.WriteStartElement("source");
            xml.WriteAttributeString(disk.SourceType == "block" ? "dev" : "file", disk.File);
            xml.WriteEndElement();
        }
        xml.WriteEndElement();
    }

    private static void WriteOptionalAttribute(XmlWriter xml, string name, string? value)
    {
        if (value is not null)
            xml.WriteAttributeString(name, value);
    }
}
