using System.Xml.Linq;

namespace Snapshot.Engine;

/// <summary>Domain definitions with their frozen disks swapped for the revert's new overlays. Pure.</summary>
internal static class RevertDefinition
{
    /// <summary>
    /// A copy of <paramref name="domain"/> whose disks with a target in <paramref name="overlays"/> use the
    /// overlay (qcow2, no recorded backing store: libvirt reads the chain from the image). Other disks are kept.
    /// </summary>
    public static string WithOverlays(XElement domain, IReadOnlyDictionary<string, string> overlays)
    {
        ArgumentNullException.ThrowIfNull(domain);
        ArgumentNullException.ThrowIfNull(overlays);
        var copy = new XElement(domain);
        var replaced = new HashSet<string>(StringComparer.Ordinal);
        foreach (var disk in copy.Element("devices")?.Elements("disk") ?? [])
        {
            var target = (string?)disk.Element("target")?.Attribute("dev");
            if (target is null || !overlays.TryGetValue(target, out var overlay))
                continue;
            disk.SetAttributeValue("type", "file");
            var driver = disk.Element("driver");
            if (driver is null)
            {
                driver = new XElement("driver", new XAttribute("name", "qemu"));
                disk.AddFirst(driver);
            }
            driver.SetAttributeValue("type", "qcow2");
            disk.Element("source")?.Remove();
            disk.Elements("backingStore").Remove();
            driver.AddAfterSelf(new XElement("source", new XAttribute("file", overlay)));
            replaced.Add(target);
        }
        var missing = overlays.Keys.Where(k => !replaced.Contains(k)).ToList();
        if (missing.Count > 0)
            throw new SnapshotException($"the domain definition has no disk {string.Join(", ", missing)} to point at its new overlay");
        return copy.ToString(SaveOptions.DisableFormatting);
    }

    /// <summary>The file sources of a definition's disks, by target.</summary>
    public static Dictionary<string, string> DiskSources(XElement domain)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var disk in domain.Element("devices")?.Elements("disk") ?? [])
        {
            var target = (string?)disk.Element("target")?.Attribute("dev");
            var file = (string?)disk.Element("source")?.Attribute("file");
            if (target is not null && file is not null)
                result[target] = file;
        }
        return result;
    }
}
