using System.Xml.Linq;

namespace Snapshot.Engine;

/// <summary>
/// The parts of a domain definition the guest sees as hardware (what libvirt's ABI-stability check
/// compares, in short): architecture, machine, memory, vCPUs, disk and network devices. Pure.
/// </summary>
internal static class GuestAbi
{
    /// <summary>The first difference between two domain definitions' guest ABI, or null when none.</summary>
    public static string? Difference(XElement current, XElement snapshot)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(snapshot);
        foreach (var (what, read) in Parts)
        {
            var a = read(current);
            var b = read(snapshot);
            if (a != b)
                return $"{what} differs (domain: {a}, snapshot: {b})";
        }
        return null;
    }

    private static readonly (string What, Func<XElement, string> Read)[] Parts =
    [
        ("domain type", d => (string?)d.Attribute("type") ?? ""),
        ("architecture", d => (string?)d.Element("os")?.Element("type")?.Attribute("arch") ?? ""),
        ("machine type", d => (string?)d.Element("os")?.Element("type")?.Attribute("machine") ?? ""),
        ("memory", d => Kib(d.Element("memory"))),
        ("vCPU count", d => ((string?)d.Element("vcpu") ?? "").Trim()),
        ("disk devices", d => Devices(d, "disk", x => $"{(string?)x.Attribute("device")}:{(string?)x.Element("target")?.Attribute("dev")}:{(string?)x.Element("target")?.Attribute("bus")}")),
        ("network interfaces", d => Devices(d, "interface", x => $"{(string?)x.Element("mac")?.Attribute("address")}:{(string?)x.Element("model")?.Attribute("type")}")),
    ];

    private static string Devices(XElement domain, string name, Func<XElement, string> key) =>
        string.Join(",", (domain.Element("devices")?.Elements(name) ?? []).Select(key).Order(StringComparer.Ordinal));

    private static string Kib(XElement? memory)
    {
        if (memory is null || !long.TryParse(memory.Value.Trim(), System.Globalization.CultureInfo.InvariantCulture, out var value))
            return "";
        var unit = ((string?)memory.Attribute("unit") ?? "KiB").ToUpperInvariant();
        long factor = unit switch
        {
            "B" or "BYTES" => 1,
            "K" or "KIB" => 1024,
            "M" or "MIB" => 1024 * 1024,
            "G" or "GIB" => 1024L * 1024 * 1024,
            _ => 0,
        };
        return factor == 0 ? memory.Value.Trim() + unit : (value * factor / 1024).ToString(System.Globalization.CultureInfo.InvariantCulture) + " KiB";
    }
}
