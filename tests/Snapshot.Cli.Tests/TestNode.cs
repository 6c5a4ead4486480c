using System.Globalization;
using System.Security;
using System.Text;

namespace Snapshot.Cli.Tests;

/// <summary>
/// A libvirt test-driver node file in a temp dir. Domain <c>demo</c> holds a snapshot tree with a
/// branch, two roots, awkward names and a current snapshot; <c>chain</c> holds a single line of
/// snapshots (its topological order is unique, so virsh prints it the same way every run);
/// <c>bare</c> has none; <c>2</c> is named like <c>chain</c>'s ID. Each connection to <see cref="Uri"/> starts from this same state.
/// </summary>
public sealed class TestNode : IDisposable
{
    public const string QuoteName = "quote's \"dq\"";

    // name, parent, state, creation time, current
    private static readonly (string Name, string? Parent, string State, long Time, bool Current)[] Demo =
    [
        ("base", null, "shutoff", 1700000000, false),
        ("with space", "base", "running", 1700000100, false),
        ("a&b", "with space", "running", 1700000200, false),
        (QuoteName, "with space", "paused", 1700000300, true),
        ("Zeta", "base", "shutoff", 1700000400, false),
        ("alpha", "Zeta", "running", 1700000500, false),
        ("root2", null, "running", 1700000600, false),
        ("ext-disk", "root2", "disk-snapshot", 1700000700, false),
    ];

    private static readonly (string Name, string? Parent, string State, long Time, bool Current)[] Chain =
    [
        ("z-first", null, "shutoff", 1700001000, false),
        ("m-second", "z-first", "running", 1700002000, false),
        ("a-third", "m-second", "paused", 1700003000, true),
    ];

    /// <summary>Each snapshot of <c>demo</c> and its parent.</summary>
    public static IReadOnlyDictionary<string, string?> DemoParents { get; } = Demo.ToDictionary(s => s.Name, s => s.Parent, StringComparer.Ordinal);

    private readonly string _dir;

    public TestNode()
    {
        // Under the test guests' root, which the second stack's chroot sees at the same path: its virsh reads
        // the same node file.
        _dir = System.IO.Path.Combine(TestGuest.TestGuest.RootDirectory, "virt-snap-cli-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dir);
        Path = System.IO.Path.Combine(_dir, "node.xml");
        File.WriteAllText(Path, BuildXml());
        XmlFile = System.IO.Path.Combine(_dir, "snap.xml");
        File.WriteAllText(XmlFile, "<domainsnapshot><name>from file</name><description>made from a file</description></domainsnapshot>\n");
    }

    /// <summary>A snapshot XML for snapshot-create.</summary>
    public string XmlFile { get; }

    public string Path { get; }

    public string Uri => "test://" + Path;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string BuildXml()
    {
        var sb = new StringBuilder();
        sb.Append("<node xmlns:test='http://libvirt.org/schemas/domain/test/1.0'>\n");
        AppendDomain(sb, "demo", "4dea22b3-1d52-d8f3-2516-782e98ab3fa0", Demo);
        AppendDomain(sb, "chain", "5dea22b3-1d52-d8f3-2516-782e98ab3fa1", Chain);
        AppendDomain(sb, "bare", "6dea22b3-1d52-d8f3-2516-782e98ab3fa2", []);
        // Named like the ID of "chain" (2): virsh tries the ID first.
        AppendDomain(sb, "2", "7dea22b3-1d52-d8f3-2516-782e98ab3fa3", [("named-two", null, "shutoff", 1700004000, true)]);
        sb.Append("</node>\n");
        return sb.ToString();
    }

    private static void AppendDomain(StringBuilder sb, string name, string uuid, (string Name, string? Parent, string State, long Time, bool Current)[] snapshots)
    {
        var definition = $"<domain type='test'><name>{name}</name><uuid>{uuid}</uuid><memory>524288</memory><vcpu>1</vcpu>" +
            "<os><type arch='i686'>hvm</type></os><devices><disk type='file' device='disk'>" +
            $"<source file='/guest/{name}.img'/><target dev='vda' bus='virtio'/></disk></devices></domain>";
        sb.Append(definition.Replace("</domain>", "", StringComparison.Ordinal)).Append('\n');
        foreach (var s in snapshots)
        {
            sb.Append("<test:domainsnapshot>\n");
            sb.Append(CultureInfo.InvariantCulture, $"<name>{SecurityElement.Escape(s.Name)}</name><state>{s.State}</state><creationTime>{s.Time}</creationTime>\n");
            if (s.Parent is not null)
            {
                sb.Append(CultureInfo.InvariantCulture, $"<parent><name>{SecurityElement.Escape(s.Parent)}</name></parent>\n");
            }

            if (s.State == "disk-snapshot")
            {
                sb.Append("<memory snapshot='no'/><disks><disk name='vda' snapshot='external' type='file'><driver type='qcow2'/>");
                sb.Append(CultureInfo.InvariantCulture, $"<source file='/guest/{s.Name}.qcow2'/></disk></disks>\n");
            }
            else
            {
                sb.Append(s.State == "shutoff" ? "<memory snapshot='no'/>\n" : "<memory snapshot='internal'/>\n");
            }

            sb.Append(s.Current ? "<active>1</active>\n" : "<active>0</active>\n");
            sb.Append(definition).Append('\n');
            sb.Append("</test:domainsnapshot>\n");
        }

        sb.Append("</domain>\n");
    }
}
