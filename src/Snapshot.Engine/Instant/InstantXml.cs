using System.Xml.Linq;

namespace Snapshot.Engine;

/// <summary>The two snapshot XMLs of an instant snapshot: the disk-only one inside the pause, and the registration.</summary>
internal static class InstantXml
{
    /// <summary>The snapshot as libvirt records it: external memory, external disks on their overlays, the domain of the instant.</summary>
    public static string Registration(InstantPlan plan, DateTimeOffset takenAt, string instantDomainXml)
    {
        var root = new XElement("domainsnapshot",
            new XElement("name", plan.Name),
            plan.Description is null ? null : new XElement("description", plan.Description),
            new XElement("state", "running"),
            new XElement("creationTime", takenAt.ToUnixTimeSeconds()),
            new XElement("memory", new XAttribute("snapshot", "external"), new XAttribute("file", plan.MemoryFile)),
            new XElement("disks", plan.Disks.Select(d => d.External
                ? new XElement("disk", new XAttribute("name", d.Target), new XAttribute("snapshot", "external"), new XAttribute("type", "file"),
                    new XElement("driver", new XAttribute("type", d.Driver)),
                    new XElement("source", new XAttribute("file", d.Overlay!)))
                : new XElement("disk", new XAttribute("name", d.Target), new XAttribute("snapshot", "no")))),
            plan.Parent is null ? null : new XElement("parent", new XElement("name", plan.Parent)),
            XElement.Parse(instantDomainXml));
        return root.ToString();
    }

    /// <summary>The disk-only snapshot that freezes the disks on their overlays.</summary>
    public static string DiskOnly(InstantPlan plan) => SnapshotXmlWriter.Build(new SnapshotCreateOptions
    {
        Name = plan.Name,
        Memory = MemorySpec.None,
        Disks = plan.Disks.Select(d => d.External
            ? new DiskSpec(d.Target, SnapshotMode.External, d.Driver, DiskSourceType.File, d.Overlay)
            : DiskSpec.Excluded(d.Target)).ToList(),
    });
}
