using System.Text;
using Snapshot.Cli.Common;

namespace Snapshot.Cli.Tests;

/// <summary>Arguments and XML files that are not UTF-8 are refused before anything is looked up.</summary>
public sealed class Utf8InputTests(TestNode node) : IClassFixture<TestNode>
{
    private const string Replacement = "\uFFFD";

    [Fact]
    public void An_argument_that_is_not_utf8_does_not_delete_the_snapshot_named_by_its_replacement_character()
    {
        using var dir = new ReplacementNode();

        var result = VirtSnapShell.Run($"$VIRT_SNAP -c test://{dir.Path} snapshot-delete vm1 $'\\xc0'");

        result.Err.Should().Be("error: Input is not proper UTF-8: argument 5 '\\xc0'\n");
        result.ExitCode.Should().Be(2);
        result.Out.Should().BeEmpty("refused before the command ran");
    }

    [Fact]
    public void The_same_name_in_proper_utf8_still_deletes_it()
    {
        using var dir = new ReplacementNode();

        var result = VirtSnapShell.Run($"$VIRT_SNAP -c test://{dir.Path} snapshot-delete vm1 $'\\xef\\xbf\\xbd'");

        result.Err.Should().BeEmpty();
        result.ExitCode.Should().Be(0);
        result.Out.Should().Be($"Domain snapshot {Replacement} deleted\n\n");
    }

    [Fact]
    public void Each_bad_argument_is_named_by_its_position_with_its_bytes_escaped()
    {
        var message = Utf8Input.FirstInvalid([Encoding.UTF8.GetBytes("snapshot-list"), [0x61, 0xE2, 0x82, 0x0A]]);

        message.Should().Be("Input is not proper UTF-8: argument 2 'a\\xe2\\x82\\x0a'");
        Utf8Input.FirstInvalid([Encoding.UTF8.GetBytes("café"), "\uFFFD"u8.ToArray()]).Should().BeNull();
    }

    [Fact]
    public void An_xml_file_that_is_not_utf8_is_refused_before_connecting()
    {
        var file = Path.Combine(Path.GetTempPath(), $"virt-snap-latin1-{Guid.NewGuid():N}.xml");
        File.WriteAllBytes(file, [.. "<domainsnapshot><name>"u8, 0xC0, .. "</name></domainsnapshot>"u8]);
        try
        {
            var result = VirtSnap.Run("-c", "bad:///nowhere", "snapshot-create", "demo", file);

            result.Err.Should().Be($"error: Input is not proper UTF-8: file '{file}', byte 22 (0xC0)\n");
            result.ExitCode.Should().Be(2);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void An_xml_file_in_utf8_with_a_byte_order_mark_is_read()
    {
        var file = Path.Combine(Path.GetTempPath(), $"virt-snap-bom-{Guid.NewGuid():N}.xml");
        File.WriteAllBytes(file, [0xEF, 0xBB, 0xBF, .. "<domainsnapshot><name>café</name></domainsnapshot>"u8]);
        try
        {
            var result = VirtSnap.Run("-c", node.Uri, "snapshot-create", "demo", file);

            result.Err.Should().BeEmpty();
            result.Out.Should().Be($"Domain snapshot café created from '{file}'\n");
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>A test-driver node whose domain vm1 has one snapshot, named U+FFFD.</summary>
    private sealed class ReplacementNode : IDisposable
    {
        public ReplacementNode()
        {
            Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"virt-snap-fffd-{Guid.NewGuid():N}.xml");
            var domain = "<domain type='test'><name>vm1</name><memory>65536</memory><os><type arch='i686'>hvm</type></os></domain>";
            File.WriteAllText(Path,
                "<node xmlns:test='http://libvirt.org/schemas/domain/test/1.0'>" + domain.Replace("</domain>", "", StringComparison.Ordinal) +
                $"<test:domainsnapshot><name>{Replacement}</name><state>running</state><creationTime>1700000000</creationTime>" +
                $"<memory snapshot='internal'/><active>1</active>{domain}</test:domainsnapshot></domain></node>");
        }

        public string Path { get; }

        public void Dispose() => File.Delete(Path);
    }
}
