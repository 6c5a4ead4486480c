using Snapshot.Engine.Tests.Faults;
using Snapshot.Interop;

namespace Snapshot.Engine.Tests.Group;

/// <summary>
/// When a group's members run again, on libvirt's test driver with a fake QEMU per domain whose second member is
/// slow to send its first RAM page: held for the slowest where the engine resumes the guests (QEMU 8.2+), not where
/// QEMU restarts each itself (7.2); and a member failing while the others wait does not leave them waiting.
/// </summary>
public sealed class GroupResumeTests
{
    private static readonly TimeSpan SlowFirstPage = TimeSpan.FromMilliseconds(600);

    private static void SlowSecond(string domain, FakeQemu qemu, Version version)
    {
        qemu.Version = version;
        if (domain == "m2")
            qemu.FirstPageDelay = SlowFirstPage;
    }

    [Fact]
    public async Task Where_the_engine_resumes_the_guests_every_member_runs_again_only_once_the_slowest_point_is_safe()
    {
        using var node = new GroupNode(new FaultHook(), domains: 3, configure: (d, q) => SlowSecond(d, q, new Version(10, 0, 2)));

        var group = await node.Engine.CreateGroupAsync(Request(node));

        var resumed = group.Members.ToDictionary(m => m.Domain, m => m.ResumedAt);
        foreach (var m in group.Members)
            m.Pause.Should().BeGreaterThanOrEqualTo(SlowFirstPage - TimeSpan.FromMilliseconds(100), $"{m.Domain} waited for m2's first page");
        (resumed.Values.Max() - resumed.Values.Min()).Should().BeLessThan(SlowFirstPage / 2, "they were resumed together");
        foreach (var m in node.Names)
            node.StateOf(m).State.Should().Be(DomainState.Running);
    }

    [Fact]
    public async Task Where_QEMU_restarts_each_guest_itself_a_fast_member_is_not_held_for_the_slowest()
    {
        using var node = new GroupNode(new FaultHook(), domains: 3, configure: (d, q) => SlowSecond(d, q, new Version(7, 2, 22)));

        var group = await node.Engine.CreateGroupAsync(Request(node));

        var pauses = group.Members.ToDictionary(m => m.Domain, m => m.Pause);
        pauses["m2"].Should().BeGreaterThanOrEqualTo(SlowFirstPage - TimeSpan.FromMilliseconds(100));
        pauses["m1"].Should().BeLessThan(pauses["m2"] - SlowFirstPage / 2, "m1 ran again at its own first page");
        group.CommonPause.Should().BePositive();
    }

    [Fact]
    public async Task A_member_failing_while_the_others_wait_to_resume_releases_them_and_every_member_is_rolled_back()
    {
        // m2's first page never comes within the engine's bound (1 s): its wait fails after m1 and m3 are safe and waiting.
        using var node = new GroupNode(new FaultHook(), domains: 3, configure: (d, q) =>
        {
            SlowSecond(d, q, new Version(10, 0, 2));
            if (d == "m2")
                q.FirstPageDelay = TimeSpan.FromSeconds(3);
        });

        var creating = node.Engine.CreateGroupAsync(Request(node));
        var finished = await Task.WhenAny(creating, Task.Delay(TimeSpan.FromSeconds(30)));

        finished.Should().BeSameAs(creating, "no member is left waiting for one that failed");
        var e = await creating.Awaiting(t => t).Should().ThrowAsync<SnapshotException>();
        e.Which.Message.Should().Contain("(domain 'm2'): QEMU sent no RAM page within 1000 ms").And.Contain("No group was recorded.");
        foreach (var m in node.Names)
        {
            node.StateOf(m).Should().Be((DomainState.Running, node.Path(m + ".img"), 0), $"{m} is running and has no snapshot");
            File.Exists(node.Path($"{m}.cut1.mem")).Should().BeFalse();
        }
        (await node.Engine.ListGroupsAsync()).Should().BeEmpty();
    }

    private static SnapshotGroupCreateOptions Request(GroupNode node) => new()
    {
        Name = "cut1",
        Domains = node.Names,
        Directory = node.Directory,
    };
}
