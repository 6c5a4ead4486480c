using System.Globalization;
using System.Xml;
using System.Xml.Linq;

namespace Snapshot.Engine;

/// <summary>Turns libvirt's snapshot XML into <see cref="SnapshotInfo"/>, once per snapshot.</summary>
internal static class SnapshotXmlReader
{
    public static SnapshotInfo Parse(string domain, string xml, bool isCurrent)
    {
        XElement root;
        try
        {
            root = XElement.Parse(xml);
        }
        catch (XmlException e)
        {
            throw new SnapshotException(SnapshotErrorKind.Failed, $"libvirt returned unreadable snapshot XML: {e.Message}", e);
        }

        var memory = root.Element("memory");
        var disks = root.Element("disks")?.Elements("disk").Select(ParseDisk).ToList() ?? [];
        var state = (string?)root.Element("state") ?? "nostate";
        return new SnapshotInfo
        {
            Domain = domain,
            Name = (string?)root.Element("name") ?? throw new SnapshotException("libvirt returned a snapshot without a name"),
            Description = (string?)root.Element("description"),
            State = state,
            CreationTimeUnix = long.TryParse((string?)root.Element("creationTime"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var t) ? t : 0,
            Parent = (string?)root.Element("parent")?.Element("name"),
            IsCurrent = isCurrent,
            Location = LocationOf(memory, disks, state),
            MemorySnapshot = (string?)memory?.Attribute("snapshot"),
            MemoryFile = (string?)memory?.Attribute("file"),
            Disks = disks,
            HasDomainDefinition = root.Element("domain") is not null,
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
