using System.Collections.Concurrent;
using System.Runtime.Versioning;
using Snapshot.Interop;
using Snapshot.TestGuest;
using Xunit.Abstractions;
using static Snapshot.Engine.Tests.Instant.InstantHelpers;

namespace Snapshot.Engine.Tests.Group;

/// <summary>
/// Group snapshots of real TCG guests on each stack (three on the host's, two on the second), the guests booted once
/// and shared by every step: a forced failure in the second member leaves the first as it was; a group snapshot's
/// lifecycle events show a moment at which every member is paused; a group revert brings each guest back to its own
/// sequence number at the group's instant, with no INCONSISTENT line; a group delete leaves no snapshot.
/// </summary>
[Collection("vm")]
[SupportedOSPlatform("linux")]
public sealed class GroupSnapshotVmTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    public static TheoryData<string, int> Stacks() => new() { { Stack.Host.Name, 3 }, { Stack.Backports.Name, 2 } };

    [Theory]
    [MemberData(nameof(Stacks))]
    public async Task A_group_is_one_instant_for_every_member_and_reverts_them_together(string stack, int count)
    {
        var uri = Stack.Named(stack).Uri;
        var guests = new List<TestGuest.TestGuest>();
        var scratch = Directory.CreateTempSubdirectory("virtsnap-group-").FullName;
        var records = Path.Combine(scratch, "records"); // in a 0700 directory, as the state directory must be
        try
        {
            for (var i = 0; i < count; i++)
                guests.Add(await TestGuest.TestGuest.StartAsync(new TestGuestOptions { Uri = uri, Purpose = $"group{i + 1}", TickMilliseconds = 100 }));
            foreach (var guest in guests)
                await guest.WaitForSequenceAsync(s => s >= 3, Timeout);
            using var connection = LibvirtConnection.Open(uri);
            using var engine = new SnapshotEngine(connection, null, ownsConnection: false,
                new EngineSeams(new NthStepFault("pause", 2), d => new LibvirtQemuDomain(d)) { GroupDirectory = records });
            var request = new SnapshotGroupCreateOptions { Name = "cut", Domains = [.. guests.Select(g => g.DomainName)], Description = "one instant" };

            await A_fault_in_the_second_member_leaves_every_member_as_it_was(engine, request, guests);
            var (group, frozen) = await A_group_snapshot_has_a_moment_when_every_member_is_paused(connection, engine, request, guests);
            using (var failing = new SnapshotEngine(connection, null, ownsConnection: false,
                new EngineSeams(new NthStepFault("define", 2), d => new LibvirtQemuDomain(d)) { GroupDirectory = records }))
                await A_fault_in_the_second_members_revert_puts_the_first_back_where_it_was(failing, group, guests, frozen);
            await A_group_revert_brings_each_guest_back_to_its_number_at_the_instant(engine, group, guests, frozen);

            await engine.DeleteGroupAsync(group.Name);
            foreach (var guest in guests)
                guest.Domain.SnapshotCount().Should().Be(0);
            (await engine.ListGroupsAsync()).Should().BeEmpty();
        }
        finally
        {
            foreach (var guest in guests)
                await guest.DisposeAsync();
            Directory.Delete(scratch, recursive: true);
        }
    }

    private static async Task A_fault_in_the_second_member_leaves_every_member_as_it_was(SnapshotEngine engine, SnapshotGroupCreateOptions request,
        List<TestGuest.TestGuest> guests)
    {
        var e = await engine.Invoking(x => x.CreateGroupAsync(request)).Should().ThrowAsync<SnapshotException>();

        e.Which.Message.Should().Contain($"while pausing the guest (domain '{guests[1].DomainName}'): injected fault")
            .And.Contain($"'{guests[0].DomainName}': undone: the guest was resumed");
        foreach (var guest in guests)
        {
            ShouldBeRunningWithoutSnapshots(guest, guest.DiskPath);
            File.Exists(Path.Combine(guest.Directory, $"{guest.DomainName}.cut.mem")).Should().BeFalse();
            File.Exists(Path.Combine(guest.Directory, "disk.cut")).Should().BeFalse();
        }
        (await engine.ListGroupsAsync()).Should().BeEmpty();
    }

    private async Task<(SnapshotGroupInfo Group, long[] Frozen)> A_group_snapshot_has_a_moment_when_every_member_is_paused(LibvirtConnection connection,
        SnapshotEngine engine, SnapshotGroupCreateOptions request, List<TestGuest.TestGuest> guests)
    {
        var events = new ConcurrentQueue<DomainLifecycleEvent>();
        using (connection.SubscribeLifecycle(null, events.Enqueue))
        {
            var group = await engine.CreateGroupAsync(request);
            await Task.Delay(500); // the last RESUMED event arrives after the call that caused it

            var suspended = guests.Select(g => events.First(x => x.DomainUuid == g.DomainUuid && x.Type == DomainEventType.Suspended).Time).ToList();
            var resumed = guests.Select(g => events.First(x => x.DomainUuid == g.DomainUuid && x.Type == DomainEventType.Resumed).Time).ToList();
            for (var i = 0; i < guests.Count; i++)
                output.WriteLine($"{guests[i].DomainName}: paused {(resumed[i] - suspended[i]).TotalMilliseconds:0.0} ms (events), {group.Members[i].Pause.TotalMilliseconds:0.0} ms (engine)");
            output.WriteLine($"spread {group.Spread.TotalMilliseconds:0.0} ms, all paused at once for {group.CommonPause.TotalMilliseconds:0.0} ms " +
                $"(events: {(resumed.Min() - suspended.Max()).TotalMilliseconds:0.0} ms)");
            suspended.Max().Should().BeBefore(resumed.Min(), "libvirt's events show a moment at which every member is paused");
            group.CommonPause.Should().BePositive();
            group.Members.Select(m => m.Uuid).Should().Equal(guests.Select(g => g.DomainUuid));

            var frozen = new long[guests.Count];
            for (var i = 0; i < guests.Count; i++)
            {
                var guest = guests[i];
                guest.Domain.GetState().State.Should().Be(DomainState.Running);
                (await engine.Domain(guest.DomainName).GetAsync("cut")).MemoryFile.Should().Be(Path.Combine(guest.Directory, $"{guest.DomainName}.cut.mem"));
                DiskChain(guest).Should().Be((Path.Combine(guest.Directory, "disk.cut"), guest.DiskPath));
                frozen[i] = guest.ReadDiskSequence(guest.DiskPath);
            }
            (await engine.GetGroupAsync("cut")).Should().Be(group, "the record reads back as it was written");
            return (group, frozen);
        }
    }

    private async Task A_fault_in_the_second_members_revert_puts_the_first_back_where_it_was(SnapshotEngine failing, SnapshotGroupInfo group,
        List<TestGuest.TestGuest> guests, long[] frozen)
    {
        await guests[0].WaitForSequenceAsync(s => s > frozen[0] + 5, Timeout);
        var before = guests[0].LatestSequence();
        var mark = guests[0].Mark();

        var e = await failing.Invoking(x => x.RevertGroupAsync(group.Name)).Should().ThrowAsync<SnapshotException>();

        output.WriteLine(e.Which.Message);
        e.Which.Message.Should().Contain($"failed at domain '{guests[1].DomainName}'").And.Contain("injected fault")
            .And.Contain($"'{guests[0].DomainName}': reverted to the state it had")
            .And.Contain("the state it had was brought back from the kept snapshot", "the second member, stopped by its failed revert, gets its own state back");
        var first = guests[0];
        first.Domain.GetState().State.Should().Be(DomainState.Running);
        var back = await first.WaitForSequenceAfterAsync(mark, s => s >= before + 8, Timeout);
        var numbers = first.LinesAfter(mark).Select(SerialLog.ParseSequence).OfType<long>().ToList();
        output.WriteLine($"{first.DomainName}: at {before} before the group revert, then {string.Join(" ", numbers)}");
        numbers.Should().OnlyContain(n => n >= before, $"{first.DomainName} goes on from where it was, not from the group's instant ({frozen[0]})");
        back.Should().BeGreaterThanOrEqualTo(before + 8);
        first.InconsistentLinesAfter(mark).Should().BeEmpty();
        foreach (var guest in guests)
        {
            guest.Domain.GetState().State.Should().Be(DomainState.Running, $"{guest.DomainName} runs");
            guest.Domain.SnapshotCount().Should().Be(1, $"{guest.DomainName} keeps only the group's snapshot: no kept state is left");
        }
    }

    private async Task A_group_revert_brings_each_guest_back_to_its_number_at_the_instant(SnapshotEngine engine, SnapshotGroupInfo group,
        List<TestGuest.TestGuest> guests, long[] frozen)
    {
        var marks = new List<LogMark>();
        for (var i = 0; i < guests.Count; i++)
        {
            var past = frozen[i] + 5;
            await guests[i].WaitForSequenceAsync(s => s > past, Timeout);
        }
        // Paused first, so that only the reverted guests print after the marks.
        foreach (var guest in guests)
            guest.Domain.Suspend();
        await Task.Delay(300);
        foreach (var guest in guests)
            marks.Add(guest.Mark());

        var result = await engine.RevertGroupAsync(group.Name);

        result.Resumed.Should().BeTrue();
        output.WriteLine($"resumed within {result.ResumeSpread.TotalMilliseconds:0.0} ms");
        for (var i = 0; i < guests.Count; i++)
        {
            var first = await guests[i].SequenceAfterRevertAsync(marks[i], frozen[i], Timeout);
            output.WriteLine($"{guests[i].DomainName}: frozen at {frozen[i]}, back at {first}");
            first.Should().Be(frozen[i] + 1, $"{guests[i].DomainName} goes on from its own number at the group's instant");
            await guests[i].WaitForSequenceAfterAsync(marks[i], s => s >= first + 3, Timeout);
            guests[i].InconsistentLinesAfter(marks[i]).Should().BeEmpty();
            guests[i].Domain.GetState().State.Should().Be(DomainState.Running);
            guests[i].Domain.SnapshotCount().Should().Be(1, "the states the members left are not kept");
        }
    }
}
