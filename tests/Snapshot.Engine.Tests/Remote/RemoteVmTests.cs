using System.Runtime.Versioning;
using Snapshot.Engine.Tests.Revert;
using Snapshot.Interop;
using Snapshot.TestGuest;

namespace Snapshot.Engine.Tests.Remote;

/// <summary>
/// The engine over qemu+ssh and qemu+tcp to the second stack (native/setup-remote.sh), with the guest's images in a
/// directory that exists only inside the stack's root: any local file access would miss them. One guest per
/// transport goes through create, the reads, revert with memory (the counter comes back) and delete (no file left).
/// </summary>
[Collection("vm")]
[SupportedOSPlatform("linux")]
public sealed class RemoteVmTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Theory]
    [MemberData(nameof(RemoteTarget.Names), MemberType = typeof(RemoteTarget))]
    public async Task Every_command_works_with_the_files_only_on_the_hypervisor(string target)
    {
        var remote = RemoteTarget.Named(target);
        await using var guest = await TestGuest.TestGuest.StartAsync(remote.Options(new TestGuestOptions { Purpose = "remote" }));
        Directory.Exists(guest.Directory).Should().BeFalse("the images are only on the hypervisor's side");
        File.Exists(guest.LocalPath(guest.DiskPath)).Should().BeTrue();
        using var engine = SnapshotEngine.Connect(remote.Uri);
        var domain = engine.Domain(guest.DomainName);
        using var events = new EventRecorder(engine, guest.DomainName);
        var memory = guest.Directory + "/s1.mem";
        var overlay = guest.Directory + "/s1.qcow2";

        await guest.WaitForSequenceAsync(s => s >= 3, Timeout);
        var created = await domain.CreateAsync(new SnapshotCreateOptions
        {
            Name = "s1",
            Memory = new MemorySpec(SnapshotMode.External, memory),
            Disks = [new DiskSpec("vda", SnapshotMode.External, "qcow2", null, overlay)],
        });
        created.MemoryFile.Should().Be(memory);
        var seq1 = guest.ReadDiskSequence(guest.DiskPath);
        await guest.WaitForSequenceAfterAsync(guest.Mark(), s => s >= seq1 + 3, Timeout);

        (await domain.ListAsync()).Select(s => s.Name).Should().Equal("s1");
        (await domain.GetCurrentAsync())!.Name.Should().Be("s1");
        (await domain.GetParentAsync("s1")).Should().BeNull();
        (await domain.GetDetailsAsync("s1")).HasBranchTip.Should().BeTrue("its own overlay is its branch's tip");
        (await domain.GetXmlAsync("s1")).Should().Contain(overlay);
        await events.TakeAsync();

        var mark = guest.Mark();
        await domain.RevertAsync("s1");
        (await guest.WaitForSequenceAfterAsync(mark, s => s <= seq1 + 1, Timeout)).Should().Be(seq1 + 1, "the counter comes back");
        guest.Domain.GetState().State.Should().Be(DomainState.Running);
        (await events.TakeAsync()).Should().Equal("Stopped FromSnapshot", "Defined FromSnapshot", "Started FromSnapshot");
        var layer = ActiveDisk(guest);
        layer.Should().EndWith(".s1-revert-1.qcow2");
        File.Exists(guest.LocalPath(layer)).Should().BeTrue("the overlay was made on the hypervisor");
        (await domain.GetDetailsAsync("s1")).HasBranchTip.Should().BeTrue("the revert layer over s1's frozen image is found on the hypervisor");

        await domain.DeleteAsync("s1");
        (await domain.ListAsync()).Should().BeEmpty();
        File.Exists(guest.LocalPath(memory)).Should().BeFalse("the memory file went with its snapshot");
        File.Exists(guest.LocalPath(overlay)).Should().BeFalse("its overlay went too");
        guest.InconsistentLinesAfter(new LogMark(-1)).Should().BeEmpty();

        // A shut-off domain's layers would be merged by qemu-img, which cannot reach the hypervisor's images.
        await domain.CreateAsync(new SnapshotCreateOptions
        {
            Name = "d1",
            Disks = [new DiskSpec("vda", SnapshotMode.External, "qcow2", null, guest.Directory + "/d1.qcow2")],
            Modifiers = new SnapshotCreateModifiers { DiskOnly = true, Atomic = true },
        });
        guest.Domain.Destroy();
        var files = Directory.GetFiles(guest.LocalPath(guest.Directory)).Order().ToList();
        var refused = await FluentActions.Awaiting(() => domain.DeleteAsync("d1")).Should().ThrowAsync<SnapshotException>();
        refused.Which.Kind.Should().Be(SnapshotErrorKind.NotSupported);
        refused.Which.Message.Should().Contain("run virt-snap on the hypervisor (ssh HOST virt-snap ...)");
        (await domain.ListAsync()).Select(s => s.Name).Should().Equal("d1");
        Directory.GetFiles(guest.LocalPath(guest.Directory)).Order().Should().Equal(files, "nothing changed");
    }

    private static string ActiveDisk(TestGuest.TestGuest guest) =>
        (string)System.Xml.Linq.XDocument.Parse(guest.Domain.GetXmlDesc()).Root!.Element("devices")!.Element("disk")!.Element("source")!.Attribute("file")!;
}
