using System.Xml.Linq;
using Snapshot.TestGuest;
using static Snapshot.Cli.Tests.KillRecoveryTests;

namespace Snapshot.Cli.Tests;

/// <summary>
/// <c>snapshot-revert --keep-current</c> SIGKILLed between and inside its halves, then <c>snapshot-recover</c>, on a
/// real running TCG guest per stack: one operation, both or neither. Killed inside the kept snapshot's create: the
/// domain goes on as before, no kept snapshot. Killed once the kept snapshot is registered (before the revert, or in
/// the middle of it): the revert is finished, and the kept snapshot brings the guest back to its counter.
/// </summary>
[Collection("vm")]
public sealed class KeepCurrentKillTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(90);

    [Theory]
    [MemberData(nameof(Stack.Names), MemberType = typeof(Stack))]
    public async Task A_keep_current_revert_killed_between_or_inside_its_halves_is_recovered_to_both_or_neither(string stack)
    {
        var on = Stack.Named(stack);
        await using var guest = await TestGuest.TestGuest.StartAsync(new TestGuestOptions { Uri = on.Uri, Purpose = "kill-keep" });
        var d = guest.DomainName;
        await guest.WaitForSequenceAsync(s => s >= 3, Wait);
        Ok(VirtSnap.Run("-c", on.Uri, "snapshot-create-as", d, "s1", "--instant",
            "--memspec", Path.Combine(guest.Directory, "s1.mem"), "--diskspec", $"vda,file={Path.Combine(guest.Directory, "s1.qcow2")}"));
        var seq1 = guest.ReadDiskSequence(FrozenImage(on, d, "s1"));

        // Inside the kept snapshot's create (the disks already on its overlays): neither.
        var before = await guest.WaitForSequenceAsync(s => s >= seq1 + 3, Wait);
        var filesBefore = Files(guest.Directory);
        RunKilled($"instant-create:{InstantSteps.SwitchDisks(guest)}", "-c", on.Uri, "snapshot-revert", d, "s1", "--keep-current=k1").ExitCode.Should().Be(137);
        var recovered = Recover(on, d);
        recovered.GetProperty("operation").GetString().Should().Be("keep-current-revert");
        recovered.GetProperty("outcome").GetString().Should().Be("rolled-back", recovered.ToString());
        await CheckWholeAsync(on, guest, settings: null, filesBefore, "the kept snapshot's switch-disks");
        Names(on, d).Should().Equal("s1");
        guest.LatestSequence().Should().BeGreaterThan(before, "the domain was not reverted: it goes on from where it was");

        // Once the kept snapshot is registered, before the revert and in the middle of it: both.
        foreach (var (killAfter, kept) in new[] { ("keep-current-revert:keep-current", "k2"), ("external-revert:define", "k3") })
        {
            await guest.WaitForSequenceAsync(s => s >= seq1 + 3, Wait);
            filesBefore = Files(guest.Directory);
            RunKilled(killAfter, "-c", on.Uri, "snapshot-revert", d, "s1", $"--keep-current={kept}").ExitCode.Should().Be(137, killAfter);
            var mark = guest.Mark();
            recovered = Recover(on, d);
            recovered.GetProperty("operation").GetString().Should().Be("keep-current-revert");
            recovered.GetProperty("outcome").GetString().Should().Be("rolled-forward", $"killed after {killAfter}: {recovered}");
            (await guest.WaitForSequenceAfterAsync(mark, s => s <= seq1 + 1, Wait)).Should().Be(seq1 + 1, $"killed after {killAfter}, the revert to s1 was finished");
            await CheckWholeAsync(on, guest, settings: null, filesBefore, killAfter);
            Names(on, d).Should().Contain(kept);
            VirtSnap.Run("-c", on.Uri, "snapshot-current", d, "--name").Out.Should().Be("s1\n");

            // The kept snapshot holds the state that was left: the guest goes on from its counter.
            var left = guest.ReadDiskSequence(FrozenImage(on, d, kept));
            left.Should().BeGreaterThanOrEqualTo(seq1 + 3);
            Virsh.On(on, "-c", on.Uri, "suspend", d).ExitCode.Should().Be(0);
            await Task.Delay(500);
            mark = guest.Mark();
            Ok(VirtSnap.Run("-c", on.Uri, "snapshot-revert", d, kept));
            (await guest.SequenceAfterRevertAsync(mark, left, Wait)).Should().Be(left + 1, $"killed after {killAfter}, '{kept}' brings back the state left");
        }
        guest.InconsistentLinesAfter(new LogMark(-1)).Should().BeEmpty();
    }

    private static List<string> Names(Stack on, string domain) =>
        [.. VirtSnap.Run("-c", on.Uri, "snapshot-list", domain, "--name").Out.Split('\n', StringSplitOptions.RemoveEmptyEntries)];

    // The image a snapshot froze: the disk's source in the snapshot's own <domain>.
    internal static string FrozenImage(Stack on, string domain, string snapshot)
    {
        var xml = XElement.Parse(Ok(VirtSnap.Run("-c", on.Uri, "snapshot-dumpxml", domain, snapshot)));
        return xml.Element("domain")!.Descendants("disk").First(e => e.Element("target")?.Attribute("dev")?.Value == "vda")
            .Element("source")!.Attribute("file")!.Value;
    }
}
