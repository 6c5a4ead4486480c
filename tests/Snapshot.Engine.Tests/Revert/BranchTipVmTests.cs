using System.Runtime.Versioning;
using Snapshot.Interop;
using Snapshot.TestGuest;

namespace Snapshot.Engine.Tests.Revert;

/// <summary>
/// The branch tip of an external snapshot on a real TCG guest on each stack: after a revert away from it, the
/// latest disk state of its branch comes back shut off, or booted afresh (running, Force); a tip that is gone, or a
/// boot without Force, is refused before the domain is touched.
/// </summary>
[Collection("vm")]
[SupportedOSPlatform("linux")]
public sealed class BranchTipVmTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Theory]
    [MemberData(nameof(Stack.Names), MemberType = typeof(Stack))]
    public async Task The_branch_tip_brings_back_the_latest_disk_state_after_a_revert_away(string stack)
    {
        await using var vm = await GuestEngine.StartAsync(stack, "branch-tip");
        var (guest, d) = (vm.Guest, vm.Domain);
        var dir = guest.Directory;
        await guest.WaitForSequenceAsync(s => s >= 3, Timeout);
        await d.CreateAsync(vm.External("s0"));
        await guest.WaitForSequenceAfterAsync(guest.Mark(), _ => true, Timeout);
        await d.CreateAsync(vm.External("s1"));
        var atS1 = guest.ReadDiskSequence(Path.Combine(dir, "s0.qcow2"));
        await guest.WaitForSequenceAfterAsync(guest.Mark(), s => s >= atS1 + 5, Timeout);
        guest.Domain.Suspend();
        var tip = guest.ReadDiskSequence();
        tip.Should().BeGreaterThan(atS1 + 3, "the branch went on after s1");
        await d.RevertAsync("s0");
        (await d.GetDetailsAsync("s1")).HasBranchTip.Should().BeTrue("s1's overlay holds its branch's last state");

        // Refusals before anything is touched: a boot without Force, and a tip that is gone.
        var disks = ExternalRevertVmTests.ActiveDisk(guest);
        var boot = () => d.RevertAsync("s1", new SnapshotRevertOptions { BranchTip = true, Target = RevertTarget.Running });
        (await boot.Should().ThrowAsync<SnapshotException>()).Which.Message.Should().Contain("holds no memory");
        var own = Path.Combine(dir, "s1.qcow2");
        File.Move(own, own + ".away");
        try
        {
            (await d.GetDetailsAsync("s1")).HasBranchTip.Should().BeFalse();
            var gone = () => d.RevertAsync("s1", new SnapshotRevertOptions { BranchTip = true });
            (await gone.Should().ThrowAsync<SnapshotException>()).Which.Should().Match<SnapshotException>(e => e.Kind == SnapshotErrorKind.NotFound && e.Message.Contains("is gone"));
        }
        finally
        {
            File.Move(own + ".away", own);
        }
        guest.Domain.GetState().State.Should().Be(DomainState.Running);
        ExternalRevertVmTests.ActiveDisk(guest).Should().Be(disks);

        // Shut off, on a fresh overlay over the tip.
        var reverted = await d.RevertAsync("s1", new SnapshotRevertOptions { BranchTip = true });
        reverted.IsCurrent.Should().BeTrue();
        guest.Domain.GetState().State.Should().Be(DomainState.Shutoff);
        ExternalRevertVmTests.ActiveDisk(guest).Should().NotBe(own);
        guest.ReadDiskSequence().Should().Be(tip);

        // Booted afresh: the guest starts from the tip's number.
        var mark = guest.Mark();
        await d.RevertAsync("s1", new SnapshotRevertOptions { BranchTip = true, Target = RevertTarget.Running, Force = true });
        guest.Domain.GetState().State.Should().Be(DomainState.Running);
        (await guest.WaitForLineAsync(mark, l => l.StartsWith("start=", StringComparison.Ordinal), TimeSpan.FromSeconds(90))).Should().Be($"start={tip}");
        (await guest.SequenceAfterRevertAsync(mark, tip, Timeout)).Should().Be(tip + 1);
        File.Exists(Path.Combine(dir, "s0.qcow2")).Should().BeTrue();
        guest.InconsistentLinesAfter(new LogMark(-1)).Should().BeEmpty();
    }
}
