using Snapshot.Interop;
using Snapshot.TestGuest;

namespace Snapshot.Engine.Tests;

/// <summary>
/// The everyday cycle of the issue (snapshot, revert, snapshot, revert to the first, revert to the second,
/// snapshot, delete all three) ends, as libvirt 11.3's own virsh does, with nothing but the domain's own chain.
/// </summary>
[Collection("vm")]
public sealed class EverydayCycleVmTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Theory]
    [MemberData(nameof(Stack.Names), MemberType = typeof(Stack))]
    public async Task Snapshot_revert_and_delete_leave_no_snapshot_and_no_file_behind(string stack)
    {
        await using var guest = await TestGuest.TestGuest.StartAsync(new TestGuestOptions { Uri = Stack.Named(stack).Uri, Purpose = "cycle" });
        using var engine = SnapshotEngine.Connect(Stack.Named(stack).Uri);
        var d = guest.DomainName;
        var own = Directory.GetFiles(guest.Directory).ToHashSet();
        SnapshotCreateOptions External(string name) => new()
        {
            Name = name,
            Memory = new MemorySpec("external", Path.Combine(guest.Directory, name + ".mem")),
            Disks = [new DiskSpec("vda", "external", "qcow2", null, Path.Combine(guest.Directory, name + ".qcow2"))],
        };
        async Task RevertAsync(string name)
        {
            var mark = guest.Mark();
            await engine.RevertAsync(d, name, new SnapshotRevertOptions());
            await guest.FirstSequenceAfterAsync(mark, Timeout);
        }

        await guest.WaitForSequenceAsync(s => s >= 3, Timeout);
        await engine.CreateAsync(d, External("s1"));
        await RevertAsync("s1");
        await engine.CreateAsync(d, External("s2"));
        await RevertAsync("s1");
        await RevertAsync("s2");
        await engine.CreateAsync(d, External("s3"));
        engine.GetCurrent(d)!.Name.Should().Be("s3");

        foreach (var name in new[] { "s2", "s1", "s3" })
            await engine.DeleteAsync(d, name, new SnapshotDeleteOptions());

        engine.List(d, new SnapshotListFilter()).Should().BeEmpty();
        guest.Domain.GetState().State.Should().Be(DomainState.Running);
        guest.Domain.GetXmlDesc().Should().Contain($"<source file='{guest.DiskPath}'", "the domain runs on its own disk again");
        Directory.GetFiles(guest.Directory).Where(f => !f.EndsWith("serial.log", StringComparison.Ordinal)).Should().BeEquivalentTo(
            own.Where(f => !f.EndsWith("serial.log", StringComparison.Ordinal)), "no overlay and no memory file is left");
        var mark = guest.Mark();
        await guest.WaitForSequenceAfterAsync(mark, _ => true, Timeout);
        guest.InconsistentLinesAfter(new LogMark(-1)).Should().BeEmpty();
    }
}
