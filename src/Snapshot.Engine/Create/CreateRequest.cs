using System.Xml;
using System.Xml.Linq;

namespace Snapshot.Engine;

/// <summary>A full &lt;domainsnapshot&gt; XML read back into create options.</summary>
internal static class CreateRequest
{
    // The request read back from a full snapshot XML, so that its rules are checked like snapshot-create-as's.
    public static SnapshotCreateOptions Parse(string snapshotXml, SnapshotCreateModifiers modifiers)
    {
        XElement root;
        try
        {
            root = XElement.Parse(snapshotXml);
        }
        catch (XmlException e)
        {
            throw new SnapshotException(SnapshotErrorKind.BadInput, $"the snapshot XML is not well-formed: {e.Message}", e);
        }
        if (root.Name != "domainsnapshot")
            throw new SnapshotException(SnapshotErrorKind.BadInput, $"the snapshot XML's root is <{root.Name}>, expected <domainsnapshot>");
        var memory = root.Element("memory");
        return new SnapshotCreateOptions
        {
            Name = (string?)root.Element("name"),
            Description = (string?)root.Element("description"),
            Memory = memory is null ? null : new MemorySpec((string?)memory.Attribute("snapshot"), (string?)memory.Attribute("file")),
            Disks = root.Element("disks")?.Elements("disk").Select(d => new DiskSpec(
                (string?)d.Attribute("name") ?? "",
                (string?)d.Attribute("snapshot"),
                (string?)d.Element("driver")?.Attribute("type"),
                (string?)d.Attribute("type"),
                (string?)d.Element("source")?.Attribute("file") ?? (string?)d.Element("source")?.Attribute("dev"))).ToList() ?? [],
            Modifiers = modifiers,
        };
    }
}
