using System.Xml.Linq;
using Snapshot.Engine.Tests.Faults;
using Snapshot.Interop;

namespace Snapshot.Engine.Tests.Instant;

/// <summary>
/// A guest whose memory is written behind userfaultfd's back (passthrough, vhost-user, shared memory) is refused
/// an instant snapshot before it is touched: one line naming the device and why, NotSupported (exit 4), and the
/// domain, its QEMU, its files and its snapshot metadata as they were. On libvirt's test driver, which keeps
/// these devices in the definition as the QEMU driver does; the check reads nothing else.
/// </summary>
public sealed class UntrackedMemoryRefusalTests
{
    public static TheoryData<string, string, string, string> Untracked() => new()
    {
        {
            "pci passthrough",
            "<hostdev mode='subsystem' type='pci' managed='yes'><source><address domain='0x0000' bus='0x01' slot='0x00' function='0x1'/></source></hostdev>",
            "",
            "has a host device (<hostdev mode='subsystem' type='pci'> 0000:01:00.1), which writes guest memory by DMA"
        },
        {
            "usb passthrough",
            "<hostdev mode='subsystem' type='usb' managed='yes'><source><vendor id='0x1d6b'/><product id='0x0002'/></source></hostdev>",
            "",
            "has a host device (<hostdev mode='subsystem' type='usb'> 1d6b:0002), which writes guest memory by DMA"
        },
        {
            "vhost-user network",
            "<interface type='vhostuser'><mac address='52:54:00:aa:bb:01'/><source type='unix' path='/run/vhost-net0.sock' mode='client'/><model type='virtio'/></interface>",
            "",
            "has a vhost-user network interface (<interface type='vhostuser'> 52:54:00:aa:bb:01 on /run/vhost-net0.sock), which lets another process write guest memory"
        },
        {
            "vhost-user disk",
            "<disk type='vhostuser' device='disk'><driver name='qemu' type='raw'/><source type='unix' path='/run/vhost-blk0.sock'/><target dev='vdb' bus='virtio'/></disk>",
            "",
            "has a vhost-user disk 'vdb' (<disk type='vhostuser'> on /run/vhost-blk0.sock), which lets another process write guest memory"
        },
        {
            "virtiofs",
            "<filesystem type='mount' accessmode='passthrough'><driver type='virtiofs'/><source dir='/srv/share'/><target dir='share'/></filesystem>",
            "",
            "has a virtiofs filesystem 'share' (<driver type='virtiofs'>, served by virtiofsd over vhost-user), which lets another process write guest memory"
        },
        {
            "ivshmem",
            "<shmem name='ivshmem0'><model type='ivshmem-plain'/><size unit='M'>4</size></shmem>",
            "",
            "has a shared memory device 'ivshmem0' (<shmem>, ivshmem), which lets another process write guest memory"
        },
        {
            "shared memory backing",
            "",
            "<memoryBacking><access mode='shared'/></memoryBacking>",
            "has shared guest memory (<memoryBacking><access mode='shared'/>), which lets another process write guest memory"
        },
        {
            "shared numa cell",
            "",
            "<vcpu>1</vcpu><cpu><numa><cell id='0' cpus='0' memory='65536' unit='KiB' memAccess='shared'/></numa></cpu>",
            "has a NUMA cell with shared memory (<cell id='0' memAccess='shared'>), which lets another process write guest memory"
        },
    };

    [Theory]
    [MemberData(nameof(Untracked))]
    public async Task An_instant_snapshot_is_refused_before_the_guest_is_touched(string what, string devices, string domainExtra, string expected)
    {
        using var node = new FaultNode(new FaultHook(), devices: devices, domainExtra: domainExtra);
        var before = node.Dom.GetXmlDesc();
        var events = new List<DomainLifecycleEvent>();
        using var subscription = node.Connection.SubscribeLifecycle(node.Dom, events.Add);
        var (memory, overlay) = (node.Path("m.mem"), node.Path("o.qcow2"));

        var e = await node.Engine.Domain(FaultNode.Domain).Invoking(x => x.CreateAsync(Request(memory, overlay))).Should().ThrowAsync<SnapshotException>(what);

        e.Which.Kind.Should().Be(SnapshotErrorKind.NotSupported);
        e.Which.Message.Should().StartWith($"domain '{FaultNode.Domain}' {expected} behind the back of QEMU's write tracking (userfaultfd)")
            .And.EndWith("so an instant snapshot of it would be silently inconsistent; detach it or take a classic snapshot")
            .And.NotContain("\n");
        node.Dom.GetXmlDesc().Should().Be(before);
        node.Dom.GetState().State.Should().Be(DomainState.Running);
        node.Dom.SnapshotCount().Should().Be(0);
        File.Exists(memory).Should().BeFalse();
        File.Exists(overlay).Should().BeFalse();
        node.Qemu!.Executed.Should().BeEmpty("QEMU is not asked anything before the refusal");
        node.Qemu.DisksSwitched.Should().BeFalse();
        await Task.Delay(100);
        events.Should().BeEmpty();
    }

    [Fact]
    public async Task A_guest_with_ordinary_devices_is_not_refused()
    {
        using var node = new FaultNode(new FaultHook(),
            devices: "<interface type='network'><mac address='52:54:00:aa:bb:02'/><source network='default'/></interface>" +
                "<filesystem type='mount' accessmode='passthrough'><driver type='path'/><source dir='/srv/share'/><target dir='share9p'/></filesystem>",
            domainExtra: "<memoryBacking><access mode='private'/></memoryBacking>");

        var info = await node.Engine.Domain(FaultNode.Domain).CreateAsync(Request(node.Path("m.mem"), node.Path("o.qcow2")));

        info.Name.Should().Be("s1");
    }

    [Fact]
    public void A_shared_memory_module_is_found_in_the_definition()
    {
        // The test driver takes no memory hotplug; the check reads the definition only.
        var xml = XElement.Parse("<domain><devices><memory model='dimm' access='shared'><target><size unit='MiB'>128</size><node>0</node></target></memory></devices></domain>");

        UntrackedMemory.Find(xml).Should().Be(("a shared memory module (<memory model='dimm' access='shared'>)", "lets another process write guest memory"));
        UntrackedMemory.Find(XElement.Parse("<domain><devices><memory model='dimm'/></devices></domain>")).Should().BeNull();
    }

    private static SnapshotCreateOptions Request(string memory, string overlay) => new()
    {
        Name = "s1",
        Memory = MemorySpec.External(memory),
        Disks = [DiskSpec.External("vda", overlay)],
        Modifiers = new SnapshotCreateModifiers { Instant = true },
    };
}
