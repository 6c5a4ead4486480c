using Snapshot.Interop;
using Snapshot.TestGuest;

namespace Snapshot.Engine.Tests;

/// <summary>
/// The everyday cycle of the issue (snapshot, revert, snapshot, revert to the first, revert to the second,
/// snapshot, delete all three) ends, as libvirt 11.3's own virsh does, with nothing but the domain's own chain:
/// no snapshot, no memory file, no overlay of a snapshot.
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
        var d = engine.Domain(guest.DomainName);
        var own = Directory.GetFiles(guest.Directory).ToHashSet();
        SnapshotCreateOptions External(string name) => new()
        {
            Name = name,
            Memory = MemorySpec.External(Path.Combine(guest.Directory, name + ".mem")),
            Disks = [DiskSpec.External("vda", Path.Combine(guest.Directory, name + ".qcow2"))],
        };
        async Task RevertAsync(string name)
        {
            var mark = guest.Mark();
            await d.RevertAsync(name);
            await guest.FirstSequenceAfterAsync(mark, Timeout);
        }

        await guest.WaitForSequenceAsync(s => s >= 3, Timeout);
        await d.CreateAsync(External("s1"));
        await RevertAsync("s1");
        await d.CreateAsync(External("s2"));
        await RevertAsync("s1");
        await RevertAsync("s2");
        await d.CreateAsync(External("s3"));
        (await d.GetCurrentAsync())!.Name.Should().Be("s3");

        foreach (var name in new[] { "s2", "s1", "s3" })
            await d.DeleteAsync(name);

        (await d.ListAsync()).Should().BeEmpty();
        guest.Domain.GetState().State.Should().Be(DomainState.Running);
        // What is left is the domain's own files and the images of its disk chain (11.3 merges the revert layers
        // into the base image; 9.0 keeps them under the active layer), and no snapshot's memory file or overlay.
        var chain = DiskChainFiles(guest);
        chain.Should().Contain(guest.DiskPath);
        Directory.GetFiles(guest.Directory).Where(f => !own.Contains(f) && !f.EndsWith("serial.log", StringComparison.Ordinal))
            .Should().BeSubsetOf(chain, "only the domain's chain is left");
        foreach (var name in new[] { "s1", "s2", "s3" })
        {
            File.Exists(Path.Combine(guest.Directory, name + ".mem")).Should().BeFalse();
            File.Exists(Path.Combine(guest.Directory, name + ".qcow2")).Should().BeFalse();
        }
        var mark = guest.Mark();
        await guest.WaitForSequenceAfterAsync(mark, _ => true, Timeout);
        guest.InconsistentLinesAfter(new LogMark(-1)).Should().BeEmpty();
    }

    private static List<string> DiskChainFiles(TestGuest.TestGuest guest)
    {
        var active = Instant.InstantHelpers.DiskChain(guest).Active;
        var json = Instant.InstantHelpers.Run("qemu-img", "info", "-U", "--backing-chain", "--output=json", active);
        using var doc = System.Text.Json.JsonDocument.Parse(json);
        return doc.RootElement.EnumerateArray().Select(i => i.GetProperty("filename").GetString()!).ToList();
    }
}
