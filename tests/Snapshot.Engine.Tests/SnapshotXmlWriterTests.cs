using System.Xml.Linq;
using Snapshot.Engine;

namespace Snapshot.Engine.Tests;

public class SnapshotXmlWriterTests
{
    [Fact]
    public void Hostile_names_and_paths_round_trip_as_text()
    {
        const string name = "a&b \"c\" <d> 'e'";
        var xml = SnapshotEngine.BuildXml(new SnapshotCreateOptions
        {
            Name = name,
            Description = "</description><injected/>",
            Memory = new MemorySpec(SnapshotMode.External, "/tmp/m&m's <mem>"),
            Disks = [new DiskSpec("vda", SnapshotMode.External, "qcow2", null, "/tmp/\"quoted\".qcow2")],
        });

        var root = XElement.Parse(xml);
        root.Element("name")!.Value.Should().Be(name);
        root.Element("description")!.Value.Should().Be("</description><injected/>");
        root.Descendants("injected").Should().BeEmpty();
        root.Element("memory")!.Attribute("file")!.Value.Should().Be("/tmp/m&m's <mem>");
        var disk = root.Element("disks")!.Element("disk")!;
        disk.Attribute("name")!.Value.Should().Be("vda");
        disk.Element("driver")!.Attribute("type")!.Value.Should().Be("qcow2");
        disk.Element("source")!.Attribute("file")!.Value.Should().Be("/tmp/\"quoted\".qcow2");
    }

    [Fact]
    public void Block_disks_name_their_source_as_a_device()
    {
        var xml = SnapshotEngine.BuildXml(new SnapshotCreateOptions
        {
            Modifiers = new SnapshotCreateModifiers { DiskOnly = true },
            Disks = [new DiskSpec("vdb", SnapshotMode.External, null, DiskSourceType.Block, "/dev/sdz")],
        });

        var disk = XElement.Parse(xml).Element("disks")!.Element("disk")!;
        disk.Attribute("type")!.Value.Should().Be("block");
        disk.Element("source")!.Attribute("dev")!.Value.Should().Be("/dev/sdz");
    }

    [Fact]
    public void An_empty_request_is_a_bare_domainsnapshot()
    {
        XElement.Parse(SnapshotEngine.BuildXml(new SnapshotCreateOptions())).Should().BeEquivalentTo(new XElement("domainsnapshot"));
    }
}
