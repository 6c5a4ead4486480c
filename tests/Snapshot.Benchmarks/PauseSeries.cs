using System.Diagnostics;
using System.Globalization;
using Snapshot.TestGuest;

namespace Snapshot.Benchmarks;

/// <summary>
/// The "pauses" figure (issue 16): five instant snapshots in a row of one busy guest (one QEMU process), each
/// through the published virt-snap as a user runs it, timed from the process start. Each pause comes from
/// libvirt's lifecycle events (the independent witness), beside the engine's own breakdown (its -v log). With
/// --baseline-virt-snap, the same five on a fresh guest of the same size with that binary (today's path, e.g.
/// main's), right before this branch's, so that both are measured under the same load.
/// </summary>
internal sealed class PauseSeries(BenchOptions options, Report report)
{
    public const int Snapshots = 5;

    public async Task RunAsync(Stack stack, int sizeMiB)
    {
        if (options.VirtSnap is not { } ours)
            throw new InvalidOperationException("the pauses figure needs --virt-snap (native/bench.sh passes it)");
        if (options.BaselineVirtSnap is { } baseline)
            await RunOneAsync(stack, sizeMiB, baseline, "today's path");
        await RunOneAsync(stack, sizeMiB, ours, "this build");
    }

    private async Task RunOneAsync(Stack stack, int sizeMiB, string binary, string path)
    {
        void Add(Row row) => report.Add(row with { Stack = stack.Name });
        await using var guest = await InstantFigures.StartBusyGuestAsync(stack, sizeMiB);
        var size = sizeMiB >= 1024 ? $"{sizeMiB / 1024.0:0.#} GiB" : $"{sizeMiB} MiB";
        var results = new List<Result>();
        for (var k = 1; k <= Snapshots; k++)
        {
            results.Add(await SnapshotAsync(stack.Uri, guest, binary, $"pause-{sizeMiB}-{k}"));
            await Task.Delay(500);
        }
        var first = results[0].PauseMs;
        for (var k = 0; k < results.Count; k++)
        {
            var r = results[k];
            Add(new Row($"pause {size}, snapshot {k + 1} of {Snapshots} ({path})", r.PauseMs, first, "ms", "snapshot 1", "< 50 ms", r.PauseMs < 50,
                string.Create(CultureInfo.InvariantCulture, $"load {r.Load}; request to point {r.PointMs:0.0} ms; {r.Breakdown}")));
        }
        var point = Measure.Median(results.Select(r => r.PointMs));
        Add(new Row($"request to point {size}, native CLI ({path})", point, null, "ms", "-", "< 50 ms", point < 50,
            "median of " + string.Join("/", results.Select(r => r.PointMs.ToString("0.0", CultureInfo.InvariantCulture))) +
            " ms: virt-snap's process start to libvirt's SUSPENDED event; its steps before the pause: " + results[^1].Before));
    }

    /// <summary>One snapshot's figures: the pause and request→point from libvirt's events, the engine's -v lines (its pause breakdown, its steps before the pause), the load.</summary>
    internal sealed record Result(double PauseMs, double PointMs, string Breakdown, string Before, string Load);

    /// <summary>
    /// One instant snapshot of <paramref name="guest"/> by <paramref name="binary"/> over <paramref name="uri"/>, its
    /// pause witnessed by the events on the guest's own connection; the memory image is deleted afterwards.
    /// </summary>
    internal static async Task<Result> SnapshotAsync(string uri, TestGuest.TestGuest guest, string binary, string name)
    {
        var memoryFile = Path.Combine(guest.Directory, name + ".mem");
        using var recorder = new PauseRecorder(guest.Connection, guest.Domain);
        var load = File.ReadAllText("/proc/loadavg").Split(' ')[0];
        var info = new ProcessStartInfo(binary) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-c", uri, "-v", "snapshot-create-as", guest.DomainName, name, "--instant", "--memspec", memoryFile })
            info.ArgumentList.Add(a);
        var requested = DateTimeOffset.UtcNow;
        var run = Measure.Run(info);
        var pauses = await recorder.WaitPausesAsync(1);
        if (pauses.Count == 0)
            throw new InvalidOperationException($"no SUSPENDED/RESUMED events were seen for {name} over {uri}");
        var (suspended, resumed) = pauses[0];
        // Five 4 GiB images per guest would crowd a shared disk; only the pauses are wanted here. (The second stack's
        // guest directories are the same path on this host, a bind mount, also for a remote engine's image.)
        File.Delete(memoryFile);
        return new Result((resumed - suspended).TotalMilliseconds, (suspended - requested).TotalMilliseconds,
            Lines(run.Error, "pause:", "collapse"), Startup(run.Error, requested, suspended), load);
    }

    /// <summary>
    /// Where the request-to-point time goes: the spawn and the runtime's start (to Main, by the CLI's stamp), the CLI's
    /// logging and connection, the engine's stages (its "to the point" line, from the call's stamp), and the witness's
    /// SUSPENDED event after the engine's own suspend returned.
    /// </summary>
    private static string Startup(string log, DateTimeOffset requested, DateTimeOffset suspended)
    {
        string Ms(TimeSpan t) => t.TotalMilliseconds.ToString("0.0", CultureInfo.InvariantCulture);
        DateTimeOffset? Stamp(string marker)
        {
            var line = log.Split('\n').FirstOrDefault(l => l.Contains(marker, StringComparison.Ordinal));
            if (line is null)
                return null;
            var text = line[(line.IndexOf(marker, StringComparison.Ordinal) + marker.Length)..].Split(' ')[0];
            return TimeOnly.TryParseExact(text, "HH:mm:ss.ffffff", CultureInfo.InvariantCulture, DateTimeStyles.None, out var t)
                ? new DateTimeOffset(DateOnly.FromDateTime(requested.UtcDateTime), t, TimeSpan.Zero)
                : null;
        }
        var parts = new List<string>();
        if (Stamp("main at ") is { } main)
            parts.Add($"spawn and runtime start to Main {Ms(main - requested)} ms");
        if (Stamp("call at ") is { } call)
            parts.Add($"engine called {Ms(call - requested)} ms after the request");
        parts.Add(Lines(log, "virt-snap startup:", "to the point:"));
        parts.Add($"(libvirt's SUSPENDED event {Ms(suspended - requested)} ms after the request)");
        return string.Join("; ", parts);
    }

    /// <summary>The engine's -v lines that hold one of the markers, from the first marker on, joined.</summary>
    private static string Lines(string log, params string[] markers)
    {
        var found = log.Split('\n')
            .Select(l => markers.Select(m => (m, i: l.IndexOf(m, StringComparison.Ordinal))).FirstOrDefault(x => x.i >= 0) is { m: not null } hit ? l[hit.i..].Trim() : null)
            .Where(l => l is not null).Distinct(StringComparer.Ordinal).ToList();
        return found.Count == 0 ? "nothing logged" : string.Join("; ", found);
    }
}
