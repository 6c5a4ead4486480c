using System.Xml.Linq;

namespace Snapshot.Engine;

/// <summary>
/// The devices and memory backings through which something other than the guest's vCPUs writes guest RAM:
/// QEMU's background snapshot sees only the writes userfaultfd write-protect catches (the vCPUs' and QEMU's
/// own), so a write by DMA or by another process lands unseen and the memory image is silently inconsistent.
/// QEMU 7.2 does not refuse them itself (it blocks VFIO from 8.2 only); the engine does, before the guest is touched.
/// </summary>
internal static class UntrackedMemory
{
    private const string Dma = "writes guest memory by DMA";
    private const string OtherProcess = "lets another process write guest memory";

    /// <summary>Throws <see cref="SnapshotErrorKind.NotSupported"/> naming the first such device of the definition, and why.</summary>
    public static void Check(XElement domainXml, string domain)
    {
        if (Find(domainXml) is { } found)
            throw new SnapshotException(SnapshotErrorKind.NotSupported,
                $"domain '{domain}' has {found.Device}, which {found.Why} behind the back of QEMU's write tracking (userfaultfd), " +
                "so an instant snapshot of it would be silently inconsistent; detach it or take a classic snapshot");
    }

    /// <summary>The first device or backing of <paramref name="domainXml"/> whose writes QEMU cannot track, else null.</summary>
    internal static (string Device, string Why)? Find(XElement domainXml)
    {
        var devices = domainXml.Element("devices");
        if (devices?.Element("hostdev") is { } hostdev)
            return ($"a host device (<hostdev {Attributes(hostdev, "mode", "type")}>{HostAddress(hostdev)})", Dma);
        foreach (var nic in devices?.Elements("interface") ?? [])
        {
            var type = (string?)nic.Attribute("type");
            var mac = (string?)nic.Element("mac")?.Attribute("address");
            var named = mac is null ? "" : $" {mac}";
            if (type == "hostdev")
                return ($"a passed-through network interface (<interface type='hostdev'>{named})", Dma);
            if (type == "vhostuser")
                return ($"a vhost-user network interface (<interface type='vhostuser'>{named}{Socket(nic)})", OtherProcess);
            if (type == "vdpa")
                return ($"a vDPA network interface (<interface type='vdpa'>{named})", Dma);
        }
        foreach (var disk in devices?.Elements("disk") ?? [])
        {
            var type = (string?)disk.Attribute("type");
            var target = (string?)disk.Element("target")?.Attribute("dev");
            if (type == "vhostuser")
                return ($"a vhost-user disk '{target}' (<disk type='vhostuser'>{Socket(disk)})", OtherProcess);
            if (type == "vhostvdpa")
                return ($"a vDPA disk '{target}' (<disk type='vhostvdpa'>)", Dma);
        }
        foreach (var fs in devices?.Elements("filesystem") ?? [])
        {
            if ((string?)fs.Element("driver")?.Attribute("type") == "virtiofs")
                return ($"a virtiofs filesystem '{(string?)fs.Element("target")?.Attribute("dir")}' (<driver type='virtiofs'>, served by virtiofsd over vhost-user)", OtherProcess);
        }
        if (devices?.Element("shmem") is { } shmem)
            return ($"a shared memory device '{(string?)shmem.Attribute("name")}' (<shmem>, ivshmem)", OtherProcess);
        if ((string?)domainXml.Element("memoryBacking")?.Element("access")?.Attribute("mode") == "shared")
            return ("shared guest memory (<memoryBacking><access mode='shared'/>)", OtherProcess);
        foreach (var cell in domainXml.Element("cpu")?.Element("numa")?.Elements("cell") ?? [])
        {
            if ((string?)cell.Attribute("memAccess") == "shared")
                return ($"a NUMA cell with shared memory (<cell id='{(string?)cell.Attribute("id")}' memAccess='shared'>)", OtherProcess);
        }
        foreach (var memory in devices?.Elements("memory") ?? [])
        {
            if ((string?)memory.Attribute("access") == "shared")
                return ($"a shared memory module (<memory model='{(string?)memory.Attribute("model")}' access='shared'>)", OtherProcess);
        }
        return null;
    }

    private static string Attributes(XElement element, params string[] names) =>
        string.Join(" ", names.Where(n => element.Attribute(n) is not null).Select(n => $"{n}='{(string?)element.Attribute(n)}'"));

    // The PCI address of a VFIO device, or the USB vendor:product, so the message names which one.
    private static string HostAddress(XElement hostdev)
    {
        var source = hostdev.Element("source");
        if (source?.Element("address") is { } a && a.Attribute("bus") is not null && a.Attribute("slot") is not null)
            return $" {Hex(a, "domain", 4)}:{Hex(a, "bus", 2)}:{Hex(a, "slot", 2)}.{Hex(a, "function", 1)}";
        if (source?.Element("vendor") is { } v && source.Element("product") is { } p)
            return $" {Hex(v, "id", 4)}:{Hex(p, "id", 4)}";
        return "";
    }

    private static string Hex(XElement element, string attribute, int digits)
    {
        var text = (string?)element.Attribute(attribute) ?? "0";
        var value = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? Convert.ToInt64(text[2..], 16)
            : long.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : 0;
        return value.ToString("x" + digits.ToString(System.Globalization.CultureInfo.InvariantCulture), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static string Socket(XElement device) =>
        (string?)device.Element("source")?.Attribute("path") is { } path ? $" on {path}" : "";
}
