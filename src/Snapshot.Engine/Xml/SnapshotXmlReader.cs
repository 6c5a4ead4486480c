using System.Globalization;
using System.Xml;
using System.Xml.Linq;

namespace Snapshot.Engine;

/// <summary>Turns libvirt's snapshot XML into <see cref="SnapshotInfo"/>, once per snapshot.</summary>
internal static class SnapshotXmlReader
{
    private static readonly XmlReaderSettings s_settings = new()
    {
        IgnoreWhitespace = true,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
        DtdProcessing = DtdProcessing.Prohibit,
    };

    // A streaming read: the <domain> definition every snapshot carries is most of its XML and none of
    // what a listing shows, so it is skipped instead of built into a tree (snapshot-list reads 1,000s).
    public static SnapshotInfo Parse(string domain, string xml, bool isCurrent)
    {
        string? name = null, description = null, state = null, creationTime = null, parent = null;
        XElement? memory = null, disksElement = null;
        var hasDomain = false;
        try
        {
            using var reader = XmlReader.Create(new StringReader(xml), s_settings);
            reader.MoveToContent();
            var depth = reader.Depth;
            var empty = reader.IsEmptyElement;
            reader.Read();
            while (!empty && !reader.EOF && reader.Depth > depth)
            {
                if (reader.NodeType != XmlNodeType.Element)
                {
                    reader.Read();
                    continue;
                }
                switch (reader.LocalName)
                {
                    case "name": name = reader.ReadElementContentAsString(); break;
                    case "description": description = reader.ReadElementContentAsString(); break;
                    case "state": state = reader.ReadElementContentAsString(); break;
                    case "creationTime": creationTime = reader.ReadElementContentAsString(); break;
                    case "parent": parent = (string?)((XElement)XNode.ReadFrom(reader)).Element("name"); break;
                    case "memory": memory = (XElement)XNode.ReadFrom(reader); break;
                    case "disks": disksElement = (XElement)XNode.ReadFrom(reader); break;
                    case "domain":
                        hasDomain = true;
                        reader.Skip();
                        break;
                    default: reader.Skip(); break;
                }
            }
        }
        catch (XmlException e)
        {
            throw new SnapshotException(SnapshotErrorKind.Failed, $"libvirt returned unreadable snapshot XML: {e.Message}", e);
        }

        var disks = disksElement?.Elements("disk").Select(ParseDisk).ToList() ?? [];
        state ??= "nostate";
        return new SnapshotInfo
        {
            Domain = domain,
            Name = name ?? throw new SnapshotException("libvirt returned a snapshot without a name"),
            Description = description,
            State = state,
            CreationTimeUnix = long.TryParse(creationTime, NumberStyles.Integer, CultureInfo.InvariantCulture, out var t) ? t : 0,
            Parent = parent,
            IsCurrent = isCurrent,
            Location = LocationOf(memory, disks, state),
            MemorySnapshot = (string?)memory?.Attribute("snapshot"),
            MemoryFile = (string?)memory?.Attribute("file"),
            Disks = disks,
            HasDomainDefinition = hasDomain,
        };
    }

    /// <summary>The &lt;domain&gt; definition a snapshot recorded, as XML text, or null.</summary>
    public static string? DomainDefinition(string snapshotXml)
    {
        var domain = XElement.Parse(snapshotXml).Element("domain");
        return domain?.ToString(SaveOptions.DisableFormatting);
    }

    private static SnapshotDisk ParseDisk(XElement disk)
    {
        var source = disk.Element("source");
        return new SnapshotDisk(
            (string?)disk.Attribute("name") ?? "",
            (string?)disk.Attribute("snapshot"),
            (string?)disk.Element("driver")?.Attribute("type"),
            (string?)source?.Attribute("file") ?? (string?)source?.Attribute("dev"));
    }

    // virsh's rule: with a <memory> element, external memory or any external disk makes it external;
    // without one (snapshots from before libvirt 1.0.1), only the disk-snapshot state does.
    private static SnapshotLocation LocationOf(XElement? memory, List<SnapshotDisk> disks, string state)
    {
        var external = memory is not null
            ? (string?)memory.Attribute("snapshot") == "external" || disks.Any(d => d.Snapshot == "external")
            : state == "disk-snapshot";
        return external ? SnapshotLocation.External : SnapshotLocation.Internal;
    }
}
