using System.Runtime.Versioning;
using Snapshot.TestGuest;

namespace Snapshot.Engine.Tests.Revert;

/// <summary>
/// Reverting again and again to one snapshot (the three reverts left three revert overlays behind): each
/// revert brings the counter back, and of the revert layers only the one the domain runs on and the one it left (the
/// branch tip of the last round, docs/revert.md) are left.
/// </summary>
[Collection("vm")]
[SupportedOSPlatform("linux")]
public sealed class RepeatedRevertVmTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Theory]
    [MemberData(nameof(Stack.Names), MemberType = typeof(Stack))]
    public async Task Three_reverts_to_one_snapshot_leave_only_the_active_revert_layer_and_the_last_branch_tip(string stack)
    {
        await using var vm = await GuestEngine.StartAsync(stack, "revert-again");
        var (guest, engine) = (vm.Guest, vm.Engine);
        var dir = guest.Directory;
        await guest.WaitForSequenceAsync(s => s >= 3, Timeout);
        Virsh.SnapshotWithMemory(Stack.Named(stack), guest.DomainName, "s1", dir);
        var seq1 = guest.ReadDiskSequence(guest.DiskPath);

        string? left = null;
        for (var round = 1; round <= 3; round++)
        {
            await guest.WaitForSequenceAfterAsync(guest.Mark(), s => s >= seq1 + 3, Timeout);
            guest.Domain.Suspend();
            var mark = guest.Mark();
            await engine.Domain(guest.DomainName).RevertAsync("s1");
            (await guest.SequenceAfterRevertAsync(mark, seq1, Timeout)).Should().Be(seq1 + 1, $"revert {round} brings back the counter of s1");
            var active = ExternalRevertVmTests.ActiveDisk(guest);
            string[] expected = left is null ? [active] : [active, left];
            Directory.GetFiles(dir, "*-revert-*").Should().BeEquivalentTo(expected,
                $"after revert {round} only the layer the domain runs on and the branch tip it left are left");
            left = active;
        }
        File.Exists(Path.Combine(dir, "s1.mem")).Should().BeTrue("s1 still needs it");
        File.Exists(Path.Combine(dir, "s1.qcow2")).Should().BeTrue("s1 names it as its overlay");
        guest.InconsistentLinesAfter(new LogMark(-1)).Should().BeEmpty();
    }
}
