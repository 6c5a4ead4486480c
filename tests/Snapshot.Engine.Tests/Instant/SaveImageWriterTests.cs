using System.Buffers.Binary;
using System.Text;

namespace Snapshot.Engine.Tests.Instant;

public class SaveImageWriterTests
{
    [Fact]
    public void The_header_is_libvirts_92_byte_layout_with_the_partial_magic_and_an_aligned_stream_start()
    {
        var xml = "<domain type='qemu'><name>a&amp;b</name></domain>";
        var block = SaveImageWriter.Build(xml, wasRunning: true);

        (block.Length % 4096).Should().Be(0);
        Encoding.ASCII.GetString(block, 0, 16).Should().Be("LibvirtQemudPart");
        BinaryPrimitives.ReadUInt32LittleEndian(block.AsSpan(16)).Should().Be(2u);
        var dataLen = BinaryPrimitives.ReadUInt32LittleEndian(block.AsSpan(20));
        (92 + dataLen).Should().Be((uint)block.Length);
        BinaryPrimitives.ReadUInt32LittleEndian(block.AsSpan(24)).Should().Be(1u);
        BinaryPrimitives.ReadUInt32LittleEndian(block.AsSpan(28)).Should().Be(0u);
        BinaryPrimitives.ReadUInt32LittleEndian(block.AsSpan(32)).Should().Be(0u);
        block.AsSpan(36, 92 - 36).ToArray().Should().OnlyContain(b => b == 0);
        Encoding.UTF8.GetString(block, 92, xml.Length).Should().Be(xml);
        block.AsSpan(92 + xml.Length).ToArray().Should().OnlyContain(b => b == 0, "NUL-terminated, padded with zeros");
    }

    [Fact]
    public void An_xml_filling_a_page_exactly_still_gets_its_NUL()
    {
        var xml = new string('x', 4096 - 92);
        var block = SaveImageWriter.Build(xml, wasRunning: true);
        block.Length.Should().Be(8192);
        block[92 + xml.Length].Should().Be(0);
    }

    [Theory]
    [InlineData("/v/disk.qcow2", "snap", "/v/disk.snap")]
    [InlineData("/v/disk", "snap", "/v/disk.snap")]
    [InlineData("/v.d/disk", "s", "/v.d/disk.s")]
    public void Default_overlays_follow_libvirts_rule(string source, string name, string expected) =>
        InstantPreflight.DefaultOverlay(source, name, "vda").Should().Be(expected);

    [Fact]
    public void QMP_commands_escape_every_value()
    {
        var json = QemuMigration.Build("getfd", w => w.WriteString("fdname", "a\"b},{\"execute\":\"quit"));
        using var doc = System.Text.Json.JsonDocument.Parse(json);
        doc.RootElement.GetProperty("execute").GetString().Should().Be("getfd");
        doc.RootElement.GetProperty("arguments").GetProperty("fdname").GetString().Should().Be("a\"b},{\"execute\":\"quit");
    }

    [Fact]
    public void QMP_errors_become_exceptions_with_QEMUs_description()
    {
        var act = () => QemuMigration.Unwrap("migrate-set-capabilities",
            "{\"id\":\"libvirt-1\",\"error\":{\"class\":\"GenericError\",\"desc\":\"Background-snapshot is not supported by host kernel\"}}");
        act.Should().Throw<QemuCommandException>().Which.Description.Should().Be("Background-snapshot is not supported by host kernel");
    }
}
