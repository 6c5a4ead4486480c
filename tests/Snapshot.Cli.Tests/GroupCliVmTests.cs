using System.Collections.Concurrent;
using System.Text.Json;
using Snapshot.Interop;
using Snapshot.TestGuest;
using Xunit.Abstractions;
using static Snapshot.Cli.Tests.KillRecoveryTests;

namespace Snapshot.Cli.Tests;

/// <summary>
/// The snapshot-group-* commands on real TCG guests (three on the host's stack, two on the second), through the CLI:
/// a group snapshot (text) whose members' lifecycle events show a common paused moment; a group revert SIGKILLed
/// between two members, after which <c>snapshot-recover</c> of each member puts every member back where it was (no
/// member left at the group's instant); then a group revert (JSON) after which each guest goes on from its own
/// counter at the group's instant, with no INCONSISTENT line.
/// </summary>
[Collection("vm")]
public sealed class GroupCliVmTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(90);

    public static TheoryData<string, int> Stacks() => new() { { Stack.Host.Name, 3 }, { Stack.Backports.Name, 2 } };

    [Theory]
    [MemberData(nameof(Stacks))]
    public async Task A_group_taken_killed_mid_revert_recovered_and_reverted_through_the_cli(string stack, int count)
    {
        var on = Stack.Named(stack);
        var group = $"g{Guid.NewGuid():N}"[..9];
        var guests = new List<TestGuest.TestGuest>();
        try
        {
            for (var i = 0; i < count; i++)
                guests.Add(await TestGuest.TestGuest.StartAsync(new TestGuestOptions { Uri = on.Uri, Purpose = $"cligroup{i + 1}", TickMilliseconds = 100 }));
            foreach (var guest in guests)
                await guest.WaitForSequenceAsync(s => s >= 3, Wait);

            // Create, text: one line, and libvirt's events show a moment at which every member is paused.
            var events = new ConcurrentQueue<DomainLifecycleEvent>();
            using (var connection = LibvirtConnection.Open(on.Uri))
            using (connection.SubscribeLifecycle(null, events.Enqueue))
            {
                var created = Ok(VirtSnap.Run(["-c", on.Uri, "snapshot-group-create", group, .. guests.Select(g => g.DomainName), "--instant"]));
                output.WriteLine(created);
                created.Should().MatchRegex($"^Group snapshot {group} created: {count} domains paused within [0-9.]+ ms, all paused at once for [0-9.]+ ms\n$");
                await Task.Delay(500); // the last RESUMED event arrives after the call that caused it
            }
            var suspended = guests.Select(g => events.First(x => x.DomainUuid == g.DomainUuid && x.Type == DomainEventType.Suspended).Time).ToList();
            var resumed = guests.Select(g => events.First(x => x.DomainUuid == g.DomainUuid && x.Type == DomainEventType.Resumed).Time).ToList();
            output.WriteLine($"events: all paused at once for {(resumed.Min() - suspended.Max()).TotalMilliseconds:0.0} ms");
            suspended.Max().Should().BeBefore(resumed.Min(), "libvirt's events show a moment at which every member is paused");
            var frozen = guests.Select(g => g.ReadDiskSequence(g.DiskPath)).ToArray();

            // Revert killed between the first member and the second: recovering each member puts every one back.
            var before = new long[count];
            var marks = new List<LogMark>();
            var filesBefore = guests.Select(g => Files(g.Directory)).ToList();
            for (var i = 0; i < count; i++)
            {
                before[i] = await guests[i].WaitForSequenceAsync(s => s > frozen[i] + 5, Wait);
                marks.Add(guests[i].Mark());
            }
            RunKilled("keep-current-revert:revert", "-c", on.Uri, "snapshot-group-revert", group).ExitCode.Should().Be(137);
            for (var i = 0; i < count; i++)
            {
                var recovered = Recover(on, guests[i].DomainName);
                output.WriteLine($"{guests[i].DomainName}: {recovered}");
                recovered.GetProperty("operation").GetString().Should().Be("keep-current-revert");
                recovered.GetProperty("outcome").GetString().Should().Be("rolled-back", $"member {i + 1}: the group revert did not reach every member");
                await CheckWholeAsync(on, guests[i], settings: null, filesBefore[i], $"the group revert's first member (member {i + 1})");
                await guests[i].WaitForSequenceAfterAsync(marks[i], s => s >= before[i] + 5, Wait);
                var numbers = guests[i].LinesAfter(marks[i]).Select(SerialLog.ParseSequence).OfType<long>().ToList();
                numbers.Should().OnlyContain(n => n >= before[i], $"member {i + 1} goes on from where it was (at {before[i]}), not from the group's instant ({frozen[i]})");
                VirtSnap.Run("-c", on.Uri, "snapshot-list", guests[i].DomainName, "--name").Out.Should().Be($"{group}\n\n", "no kept state is left");
            }

            // Revert, JSON: every member back at its own number at the group's instant.
            foreach (var guest in guests)
                guest.Domain.Suspend(); // so that only the reverted guests print after the marks
            await Task.Delay(300);
            marks = [.. guests.Select(g => g.Mark())];
            using (var reverted = JsonDocument.Parse(Ok(VirtSnap.Run("-c", on.Uri, "--json", "snapshot-group-revert", group))))
            {
                var data = reverted.RootElement.GetProperty("data");
                data.GetProperty("resumed").GetBoolean().Should().BeTrue();
                output.WriteLine($"resumed within {data.GetProperty("resumeSpreadMs").GetDouble()} ms");
                data.GetProperty("group").GetProperty("members").GetArrayLength().Should().Be(count);
            }
            for (var i = 0; i < count; i++)
            {
                var first = await guests[i].SequenceAfterRevertAsync(marks[i], frozen[i], Wait);
                output.WriteLine($"{guests[i].DomainName}: frozen at {frozen[i]}, back at {first}");
                first.Should().Be(frozen[i] + 1, $"member {i + 1} goes on from its own number at the group's instant");
                await guests[i].WaitForSequenceAfterAsync(marks[i], s => s >= first + 3, Wait);
                guests[i].InconsistentLinesAfter(new LogMark(-1)).Should().BeEmpty();
            }
            Ok(VirtSnap.Run("-c", on.Uri, "snapshot-group-delete", group));
        }
        finally
        {
            VirtSnap.Run("-c", on.Uri, "snapshot-group-delete", group);
            foreach (var guest in guests)
                await guest.DisposeAsync();
        }
    }
}
