using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Snapshot.Interop;
using Snapshot.TestGuest;

namespace Snapshot.Benchmarks;

/// <summary>
/// The "group" figure (issue 16): three busy guests of one size on one stack, snapshotted as one group through the
/// published virt-snap (<c>snapshot-group-create --instant</c>), three rounds. libvirt's lifecycle events of every
/// member are the witness: each member's pause, the moment at which all were paused at once (the consistent cut),
/// and the spread of the suspends; beside them, the same guest snapshotted alone in the same run. Then a group
/// revert: the spread of the members' resumes, by the events and by virt-snap's own report.
/// </summary>
internal sealed class GroupFigures(BenchOptions options, Report report)
{
    public const int Members = 3;
    public const int Rounds = 3;

    public async Task RunAsync(Stack stack, int sizeMiB)
    {
        var binary = options.VirtSnap ?? throw new InvalidOperationException("the group figure needs --virt-snap (native/bench.sh passes it)");
        void Add(Row row) => report.Add(row with { Stack = stack.Name });
        var size = sizeMiB >= 1024 ? $"{sizeMiB / 1024.0:0.#} GiB" : $"{sizeMiB} MiB";
        var guests = new List<TestGuest.TestGuest>();
        try
        {
            for (var i = 0; i < Members; i++)
                guests.Add(await InstantFigures.StartBusyGuestAsync(stack, sizeMiB));
            var names = guests.Select(g => g.DomainName).ToList();
            using var connection = LibvirtConnection.Open(stack.Uri);
            var events = new ConcurrentQueue<DomainLifecycleEvent>();
            using var subscription = connection.SubscribeLifecycle(null, events.Enqueue);

            var alone = new List<double>();
            for (var k = 0; k < Rounds; k++)
            {
                var memory = Path.Combine(guests[0].Directory, $"alone-{k}.mem");
                var start = DateTimeOffset.UtcNow;
                Measure.Run(binary, ["-c", stack.Uri, "snapshot-create-as", names[0], $"alone-{k}", "--instant", "--memspec", memory]);
                var (suspended, resumed) = await PauseAfterAsync(events, guests[0].DomainUuid, start);
                alone.Add((resumed - suspended).TotalMilliseconds);
                File.Delete(memory); // only the pause is wanted; the snapshot's record goes with the guest
                await Task.Delay(500);
            }

            var rounds = new List<Round>();
            var group = "";
            for (var k = 0; k < Rounds; k++)
            {
                if (k > 0)
                    Measure.Run(binary, ["-c", stack.Uri, "snapshot-group-delete", group]);
                group = string.Create(CultureInfo.InvariantCulture, $"bench-group-{k}");
                var start = DateTimeOffset.UtcNow;
                var created = Measure.Run(binary, ["-c", stack.Uri, "-v", "snapshot-group-create", group, .. names, "--instant", "--dir", guests[0].Directory]);
                var pauses = new List<(DateTimeOffset Suspended, DateTimeOffset Resumed)>();
                foreach (var guest in guests)
                    pauses.Add(await PauseAfterAsync(events, guest.DomainUuid, start));
                rounds.Add(new Round(
                    pauses.Max(p => (p.Resumed - p.Suspended).TotalMilliseconds),
                    (pauses.Min(p => p.Resumed) - pauses.Max(p => p.Suspended)).TotalMilliseconds,
                    (pauses.Max(p => p.Suspended) - pauses.Min(p => p.Suspended)).TotalMilliseconds,
                    string.Join("/", pauses.Select(p => Ms((p.Resumed - p.Suspended).TotalMilliseconds))),
                    // Each member's own breakdown (the engine's -v line): where a member's pause goes beside the others.
                    string.Join(" | ", created.Error.Split('\n').Where(l => l.Contains("pause: suspend", StringComparison.Ordinal))
                        .Select(l => l[(l.IndexOf(" of ", StringComparison.Ordinal) + 4)..].Trim()))));
                await Task.Delay(500);
            }

            var longest = Measure.Median(rounds.Select(r => r.LongestMs));
            var aloneMs = Measure.Median(alone);
            Add(new Row($"group of {Members}, {size}: the longest member's pause", longest, aloneMs, "ms", "one guest alone", "< 50 ms", longest < 50,
                $"median of {Rounds} rounds; members' pauses per round: {string.Join("; ", rounds.Select(r => r.Members))} ms; alone: {string.Join("/", alone.Select(Ms))} ms; the last round's members: {rounds[^1].Breakdown}"));
            var common = Measure.Median(rounds.Select(r => r.CommonMs));
            Add(new Row($"group of {Members}, {size}: all paused at once for", common, null, "ms", "-", "> 0 ms in every round", rounds.All(r => r.CommonMs > 0),
                "per round " + string.Join("/", rounds.Select(r => Ms(r.CommonMs))) + " ms: the earliest RESUMED event minus the latest SUSPENDED one"));
            var spread = Measure.Median(rounds.Select(r => r.SpreadMs));
            Add(new Row($"group of {Members}, {size}: spread of the suspends", spread, null, "ms", "-", "-", null,
                "per round " + string.Join("/", rounds.Select(r => Ms(r.SpreadMs))) + " ms: the latest SUSPENDED event minus the earliest"));

            var revertStart = DateTimeOffset.UtcNow;
            var reverted = Measure.Run(binary, ["-c", stack.Uri, "--json", "snapshot-group-revert", group]);
            await Task.Delay(1000); // the last RESUMED events arrive after the call that caused them
            // The last resume of each member: a member's revert first takes its kept state (a pause of its own).
            var resumes = guests.Select(g => events.Last(e => e.DomainUuid == g.DomainUuid && e.Time >= revertStart && e.Type == DomainEventType.Resumed).Time).ToList();
            var own = JsonDocument.Parse(reverted.Output).RootElement.GetProperty("data").GetProperty("resumeSpreadMs").GetDouble();
            var resumeSpread = (resumes.Max() - resumes.Min()).TotalMilliseconds;
            Add(new Row($"group revert of {Members}, {size}: spread of the resumes", resumeSpread, own, "ms", "virt-snap's own figure", "-", null,
                "the latest RESUMED event of the members minus the earliest, after snapshot-group-revert"));
            Measure.Run(binary, ["-c", stack.Uri, "snapshot-group-delete", group]);
        }
        finally
        {
            foreach (var guest in guests)
                await guest.DisposeAsync();
        }
    }

    private sealed record Round(double LongestMs, double CommonMs, double SpreadMs, string Members, string Breakdown);

    private static string Ms(double ms) => ms.ToString("0.0", CultureInfo.InvariantCulture);

    /// <summary>
    /// The first pause of one domain after <paramref name="since"/>, by its events: from the first SUSPENDED to the
    /// RESUMED that follows. Events arrive after the call that caused them, so this waits up to 5 s.
    /// </summary>
    private static async Task<(DateTimeOffset Suspended, DateTimeOffset Resumed)> PauseAfterAsync(
        ConcurrentQueue<DomainLifecycleEvent> events, Guid domain, DateTimeOffset since)
    {
        for (var i = 0; i < 100; i++)
        {
            var mine = events.Where(e => e.DomainUuid == domain && e.Time >= since).ToList();
            var first = mine.FindIndex(e => e.Type == DomainEventType.Suspended);
            var resumed = first < 0 ? -1 : mine.FindIndex(first, e => e.Type == DomainEventType.Resumed);
            if (resumed >= 0)
                return (mine[first].Time, mine[resumed].Time);
            await Task.Delay(50);
        }
        throw new InvalidOperationException($"no SUSPENDED/RESUMED pair of domain {domain} was seen after {since:HH:mm:ss.fff}");
    }
}
