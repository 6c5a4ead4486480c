using Snapshot.TestGuest;
using static Snapshot.Cli.Tests.KillRecoveryTests;

namespace Snapshot.Cli.Tests;

/// <summary>
/// <c>snapshot-group-create</c> of two real TCG guests SIGKILLed midway, then <c>snapshot-recover</c> of one member
/// (each case the other one): the group is settled as a whole. Killed before every member's snapshot could be
/// registered: no group and no member snapshot, each guest running on from where it was. Killed once it could
/// (a member registered and the other's memory complete, or every member registered but no record): the group
/// recorded with every member, each reverting to its own counter at the group's instant. No INCONSISTENT line.
/// </summary>
[Collection("vm")]
public sealed class GroupCreateKillTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(90);

    /// <summary>Where the group create is killed, and what recovery must make of the whole group.</summary>
    private static readonly (string KillAfter, string Outcome)[] Cases =
    [
        ("instant-create:wait-resume", "rolled-back"), // the first member's snapshot point: the second's being taken
        ("instant-create:complete-memory-file", "rolled-back"), // the first member's memory complete alone
        ("instant-create:register", "rolled-forward"), // the first member registered, the second's memory complete
        ("group-create:register-all", "rolled-forward"), // every member registered, no group record
    ];

    [Theory]
    [MemberData(nameof(Stack.Names), MemberType = typeof(Stack))]
    public async Task A_group_create_killed_midway_is_recovered_as_a_whole_group(string stack)
    {
        var on = Stack.Named(stack);
        var guests = new List<TestGuest.TestGuest>();
        var groups = new List<string>();
        try
        {
            for (var i = 0; i < 2; i++)
                guests.Add(await TestGuest.TestGuest.StartAsync(new TestGuestOptions { Uri = on.Uri, Purpose = $"kill-group{i + 1}", TickMilliseconds = 100 }));
            foreach (var guest in guests)
                await guest.WaitForSequenceAsync(s => s >= 3, Wait);
            var settings = guests.Select(g => MigrationSettings(on, g.DomainName)).ToList();

            for (var c = 0; c < Cases.Length; c++)
            {
                var (killAfter, outcome) = Cases[c];
                // Group records are the host's, and outlive a test run killed midway: a name no earlier run used.
                var group = $"kg{c + 1}-{Guid.NewGuid():N}"[..12];
                groups.Add(group);
                var filesBefore = guests.Select(g => Files(g.Directory)).ToList();
                var before = guests.Select(g => g.LatestSequence()).ToList();
                var killed = RunKilled(killAfter, ["-c", on.Uri, "snapshot-group-create", group, .. guests.Select(g => g.DomainName), "--instant"]);
                killed.ExitCode.Should().Be(137, $"SIGKILLed after {killAfter}: {killed.Err}");

                // Either member's recovery settles both: the first's in one case, the second's in the next.
                var first = guests[c % 2];
                var recovered = Recover(on, first.DomainName);
                recovered.GetProperty("operation").GetString().Should().Be("instant-create");
                recovered.GetProperty("outcome").GetString().Should().Be(outcome, $"killed after {killAfter}: {recovered}");
                Recover(on, guests[(c + 1) % 2].DomainName).GetProperty("outcome").GetString().Should().Be("none", $"killed after {killAfter}, the other member was settled with the group");

                var recorded = VirtSnap.Run("-c", on.Uri, "snapshot-group-list").Out;
                for (var i = 0; i < 2; i++)
                {
                    await CheckWholeAsync(on, guests[i], settings[i], filesBefore[i], $"{killAfter} (member {i + 1})");
                    var names = VirtSnap.Run("-c", on.Uri, "snapshot-list", guests[i].DomainName, "--name").Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
                    if (outcome == "rolled-forward")
                    {
                        names.Should().Contain(group, $"killed after {killAfter}, member {i + 1} keeps the group's snapshot");
                    }
                    else
                    {
                        names.Should().NotContain(group, $"killed after {killAfter}, no member keeps a snapshot of a group not taken");
                        guests[i].LatestSequence().Should().BeGreaterThan(before[i], $"member {i + 1} runs on from where it was");
                    }
                }
                if (outcome == "rolled-forward")
                    Ok(VirtSnap.Run("-c", on.Uri, "snapshot-group-info", group)).Should().Contain(guests[0].DomainName).And.Contain(guests[1].DomainName);
                else
                    recorded.Should().NotContain(group, $"killed after {killAfter}, no group was recorded");
            }

            // Each group recovered forward brings every member back to its own counter at the group's instant.
            foreach (var group in groups.Where((_, c) => Cases[c].Outcome == "rolled-forward"))
            {
                var frozen = guests.Select(g => g.ReadDiskSequence(KeepCurrentKillTests.FrozenImage(on, g.DomainName, group))).ToList();
                foreach (var guest in guests)
                    guest.Domain.Suspend(); // so that only the reverted guests print after the marks
                await Task.Delay(300);
                var marks = guests.Select(g => g.Mark()).ToList();
                Ok(VirtSnap.Run("-c", on.Uri, "snapshot-group-revert", group));
                for (var i = 0; i < 2; i++)
                    (await guests[i].SequenceAfterRevertAsync(marks[i], frozen[i], Wait)).Should().Be(frozen[i] + 1, $"member {i + 1} of {group} goes on from its own number at the group's instant");
            }
            foreach (var guest in guests)
                guest.InconsistentLinesAfter(new LogMark(-1)).Should().BeEmpty();
        }
        finally
        {
            foreach (var group in groups)
                VirtSnap.Run("-c", on.Uri, "snapshot-group-delete", group);
            foreach (var guest in guests)
                await guest.DisposeAsync();
        }
    }
}
