using Snapshot.Engine.Tests.Faults;

namespace Snapshot.Engine.Tests.Group;

/// <summary>
/// When a group's members run again, on libvirt's test driver with a fake QEMU per domain whose second member is
/// slow to send its first RAM page: each member as soon as its own point is safe, whether QEMU restarts it (7.2) or
/// the engine resumes it (8.2+), never held for the slowest.
/// </summary>
public sealed class GroupResumeTests
{
    private static readonly TimeSpan SlowFirstPage = TimeSpan.FromMilliseconds(600);

    [Theory]
    [InlineData("7.2.22")]
    [InlineData("10.0.2")]
    public async Task A_fast_member_runs_again_at_its_own_first_page_not_the_slowest_members(string qemu)
    {
        using var node = new GroupNode(new FaultHook(), domains: 3, configure: (d, q) =>
        {
            q.Version = Version.Parse(qemu);
            if (d == "m2")
                q.FirstPageDelay = SlowFirstPage;
        });

        var group = await node.Engine.CreateGroupAsync(new SnapshotGroupCreateOptions { Name = "cut1", Domains = node.Names, Directory = node.Directory });

        var pauses = group.Members.ToDictionary(m => m.Domain, m => m.Pause);
        pauses["m2"].Should().BeGreaterThanOrEqualTo(SlowFirstPage - TimeSpan.FromMilliseconds(100));
        pauses["m1"].Should().BeLessThan(pauses["m2"] - SlowFirstPage / 2, "m1 ran again at its own first page");
        pauses["m3"].Should().BeLessThan(pauses["m2"] - SlowFirstPage / 2, "m3 ran again at its own first page");
        group.CommonPause.Should().BePositive("every member was paused before the first ran again");
    }
}
