using System.Xml.Linq;

namespace Snapshot.TestGuest;

/// <summary>The domain definition the fixture boots.</summary>
public sealed partial class TestGuest
{
    /// <summary>The domain definition the fixture uses, with its disk on <paramref name="diskPath"/> (a qcow2).</summary>
    public string DomainXml(string diskPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(diskPath);
        var o = Options;
        var domain = new XElement("domain", new XAttribute("type", "qemu"),
            new XElement("name", DomainName),
            new XElement("uuid", _uuid.ToString("D")),
            new XElement("memory", new XAttribute("unit", "MiB"), o.MemoryMiB),
            new XElement("vcpu", o.VcpuCount),
            new XElement("os",
                new XElement("type", new XAttribute("arch", "x86_64"), new XAttribute("machine", "pc"), "hvm"),
                new XElement("kernel", KernelPath),
                new XElement("initrd", InitrdPath),
                new XElement("cmdline", KernelCommandLine)),
            new XElement("features", new XElement("acpi"), new XElement("apic")),
            new XElement("clock", new XAttribute("offset", "utc")),
            new XElement("on_poweroff", "destroy"),
            new XElement("on_reboot", "destroy"),
            new XElement("on_crash", "destroy"),
            new XElement("devices",
                new XElement("disk", new XAttribute("type", "file"), new XAttribute("device", "disk"),
                    new XElement("driver", new XAttribute("name", "qemu"), new XAttribute("type", "qcow2"), new XAttribute("cache", "none")),
                    new XElement("source", new XAttribute("file", diskPath)),
                    new XElement("target", new XAttribute("dev", "vda"), new XAttribute("bus", "virtio"))),
                new XElement("serial", new XAttribute("type", "file"),
                    new XElement("source", new XAttribute("path", SerialLogPath), new XAttribute("append", "on")),
                    new XElement("target", new XAttribute("port", "0"))),
                new XElement("controller", new XAttribute("type", "usb"), new XAttribute("model", "none")),
                new XElement("memballoon", new XAttribute("model", "none"))));
        return domain.ToString(SaveOptions.None);
    }
}
