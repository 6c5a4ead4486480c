using System.Globalization;
using System.Text;

namespace Snapshot.Cli.Tests;

/// <summary>
/// A test-driver node whose snapshot names have non-ASCII, wide, zero-width, non-printable and
/// control characters, and whose domain has namespaced metadata, mixed text and a non-ASCII,
/// quoted attribute: what virsh escapes, measures or serializes in its own ways.
/// </summary>
public sealed class UnusualNode : IDisposable
{
    // name, parent, state, creation time, current. (XML 1.0 cannot hold U+0001: no snapshot can be named so.)
    public static readonly (string Name, string? Parent, string State, long Time, bool Current)[] Snapshots =
    [
        ("base", null, "shutoff", 1700000000, false),
        ("café", "base", "running", 1700000100, false),
        ("tab\there", "base", "running", 1700000200, false),
        ("new\nline", "café", "paused", 1700000300, true),
        ("快照", "base", "shutoff", 1700000400, false),
        ("del\u007fx", "base", "shutoff", 1700000500, false),
        ("c1\u0085x", "快照", "shutoff", 1700000600, false),
        ("e\u0301t", "快照", "shutoff", 1700000700, false),
        ("zw\u200bx", "base", "shutoff", 1700000800, false),
        ("emo😀", "base", "shutoff", 1700000900, false),
        ("back\\slash", "base", "shutoff", 1700001100, false),
        ("back\\x41", "base", "shutoff", 1700001200, false),
        ("a&b<\"q\">", "base", "shutoff", 1700001300, false),
        ("priv\ue000x", "base", "shutoff", 1700001400, false),
        ("ls\u2028x", "base", "shutoff", 1700001500, false),
        ("unassigned\u0378x", "base", "shutoff", 1700001600, false),
        ("hangul\u1160x", "base", "shutoff", 1700001700, false),
        ("fullwidth\uff21", "base", "shutoff", 1700001800, false),
    ];

    private readonly string _dir;

    public UnusualNode()
    {
        _dir = Path.Combine(Path.GetTempPath(), "virt-snap-unusual-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dir);
        var path = Path.Combine(_dir, "node.xml");
        File.WriteAllText(path, BuildXml());
        Uri = "test://" + path;
    }

    public string Uri { get; }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Escape(string s)
    {
        var sb = new StringBuilder();
        foreach (var c in s)
        {
            _ = c switch
            {
                '<' => sb.Append("&lt;"),
                '>' => sb.Append("&gt;"),
                '&' => sb.Append("&amp;"),
                < ' ' => sb.Append(CultureInfo.InvariantCulture, $"&#{(int)c};"),
                _ => sb.Append(c),
            };
        }

        return sb.ToString();
    }

    private static string BuildXml()
    {
        const string definition = "<domain type='test'><name>demo</name><uuid>4dea22b3-1d52-d8f3-2516-782e98ab3fa0</uuid>" +
            "<description>mixed &amp; &lt;text&gt;</description>" +
            "<metadata><app:foo xmlns:app='http://example.org/app'><app:bar a='1'>v</app:bar>  <app:e>  </app:e></app:foo></metadata>" +
            "<memory>524288</memory><vcpu>1</vcpu><os><type arch='i686'>hvm</type></os><devices><disk type='file' device='disk'>" +
            "<source file='/guest/démo &amp; &quot;x&quot;.img'/><target dev='vda' bus='virtio'/></disk></devices></domain>";
        var sb = new StringBuilder("<node xmlns:test='http://libvirt.org/schemas/domain/test/1.0'>\n");
        sb.Append(definition.Replace("</domain>", "", StringComparison.Ordinal)).Append('\n');
        foreach (var s in Snapshots)
        {
            sb.Append(CultureInfo.InvariantCulture, $"<test:domainsnapshot><name>{Escape(s.Name)}</name><state>{s.State}</state><creationTime>{s.Time}</creationTime>");
            if (s.Parent is not null)
            {
                sb.Append(CultureInfo.InvariantCulture, $"<parent><name>{Escape(s.Parent)}</name></parent>");
            }

            sb.Append(s.State == "shutoff" ? "<memory snapshot='no'/>" : "<memory snapshot='internal'/>");
            sb.Append(s.Current ? "<active>1</active>" : "<active>0</active>").Append(definition).Append("</test:domainsnapshot>\n");
        }

        sb.Append("</domain>\n</node>\n");
        return sb.ToString();
    }
}
