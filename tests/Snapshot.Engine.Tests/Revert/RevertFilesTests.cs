using System.Xml.Linq;

namespace Snapshot.Engine.Tests.Revert;

public class RevertFilesTests
{
    [Theory]
    [InlineData("s1", "s1")]
    [InlineData("a b/../c'&\"", "a_b_.._c___")]
    [InlineData("...", "snapshot")]
    [InlineData("", "snapshot")]
    public void Snapshot_names_are_made_safe_for_file_names(string name, string safe) =>
        OverlayImages.Sanitize(name).Should().Be(safe);

    [Fact]
    public void Overlay_names_sit_next_to_the_frozen_image_and_never_take_an_existing_name()
    {
        var taken = new HashSet<string> { "/v/disk.s1-revert-1.qcow2", "/v/disk.s1-revert-2.qcow2" };
        OverlayImages.NextName("/v/disk.qcow2", "s1", taken.Contains).Should().Be("/v/disk.s1-revert-3.qcow2");
        OverlayImages.NextName("/v/disk.s0-revert-4.qcow2", "x/y", _ => false).Should().Be("/v/disk.x_y-revert-1.qcow2");
        OverlayImages.IsRevertLayer("/v/disk.s1-revert-3.qcow2").Should().BeTrue();
        OverlayImages.IsRevertLayer("/v/s1.qcow2").Should().BeFalse();
    }

    [Fact]
    public void The_new_definition_points_each_frozen_disk_at_its_overlay_and_keeps_the_rest()
    {
        var domain = XElement.Parse("""
            <domain><devices>
              <disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='/v/base.img'/><backingStore/><target dev='vda'/></disk>
              <disk type='file' device='cdrom'><source file='/v/cd.iso'/><target dev='hdc'/></disk>
            </devices></domain>
            """);
        var xml = XElement.Parse(RevertDefinition.WithOverlays(domain, new Dictionary<string, string> { ["vda"] = "/v/base.s1-revert-1.qcow2" }));
        RevertDefinition.DiskSources(xml).Should().Equal(new Dictionary<string, string> { ["vda"] = "/v/base.s1-revert-1.qcow2", ["hdc"] = "/v/cd.iso" });
        var vda = xml.Element("devices")!.Elements("disk").First();
        ((string?)vda.Element("driver")!.Attribute("type")).Should().Be("qcow2");
        vda.Element("backingStore").Should().BeNull();
        RevertDefinition.DiskSources(domain)["vda"].Should().Be("/v/base.img", "the input is not changed");
        var missing = () => RevertDefinition.WithOverlays(domain, new Dictionary<string, string> { ["vdb"] = "/x" });
        missing.Should().Throw<SnapshotException>().WithMessage("*vdb*");
    }

    [Fact]
    public void A_snapshot_names_its_memory_file_overlays_and_frozen_images()
    {
        var files = RevertCleanup.FilesOf("""
            <domainsnapshot><name>s2</name><memory snapshot='external' file='/v/s2.mem'/>
              <disks><disk name='vda' snapshot='external'><source file='/v/s2.qcow2'/></disk><disk name='hdc' snapshot='no'/></disks>
              <domain><devices><disk><source file='/v/s1.qcow2'/><target dev='vda'/></disk></devices></domain>
            </domainsnapshot>
            """);
        files.Memory.Should().Be("/v/s2.mem");
        files.Overlays.Should().Equal("/v/s2.qcow2");
        files.Frozen.Should().Equal("/v/s1.qcow2");
    }

    [Fact]
    public void Only_candidates_nothing_needs_are_deletable()
    {
        var needed = new HashSet<string> { "/v/s1.qcow2", "/v/base.img" };
        RevertCleanup.Deletable(["/v/s2.mem", "/v/s1.qcow2", "/v/s2.qcow2", "/v/s2.mem"], needed).Should().Equal("/v/s2.mem", "/v/s2.qcow2");
    }

    [Fact]
    public void Backing_chains_are_read_from_qemu_img_json()
    {
        OverlayImages.ParseChain("""[{"filename": "/v/top.qcow2", "backing-filename": "/v/base.img"}, {"filename": "/v/base.img"}]""")
            .Should().Equal("/v/top.qcow2", "/v/base.img");
    }

    [Fact]
    public void Guest_abi_compares_hardware_not_disk_sources()
    {
        static XElement Dom(string memory, string disk) => XElement.Parse(
            $"<domain type='qemu'><memory unit='{memory}'>1</memory><vcpu>1</vcpu><devices><disk device='disk'><source file='{disk}'/><target dev='vda' bus='virtio'/></disk></devices></domain>");
        GuestAbi.Difference(Dom("GiB", "/a"), Dom("GiB", "/b")).Should().BeNull();
        GuestAbi.Difference(XElement.Parse("<domain><memory unit='MiB'>1024</memory></domain>"), XElement.Parse("<domain><memory>1048576</memory></domain>")).Should().BeNull();
        GuestAbi.Difference(Dom("GiB", "/a"), Dom("MiB", "/a")).Should().StartWith("memory differs");
    }
}
