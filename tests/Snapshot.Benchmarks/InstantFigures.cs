using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Snapshot.Engine;
using Snapshot.Interop;
using Snapshot.TestGuest;

namespace Snapshot.Benchmarks;

/// <summary>
/// Figures 1-3 on one busy guest per size and stack: the instant snapshot beside classic and classic --live
/// (the stack's own virsh), the memory write beside the disk's O_DIRECT speed, and the revert figures
/// (<see cref="RevertFigures"/>).
/// </summary>
internal sealed class InstantFigures(BenchOptions options, Report report, ILoggerFactory logs) : IDisposable
{
    private const double MB = 1e6;
    private const int RewriteMiBPerSecond = 64;
    private const int InstantRounds = 3;
    private string? _randomSource;

    public async Task RunAsync(Stack stack, int sizeMiB)
    {
        void Add(Row row) => report.Add(row with { Stack = stack.Name });
        await using var guest = await StartBusyGuestAsync(stack, sizeMiB);
        var size = sizeMiB >= 1024 ? $"{sizeMiB / 1024.0:0.#} GiB" : $"{sizeMiB} MiB";
        report.Note($"{stack.Name}: {size} guest booted and filled in {guest.BootTime.TotalSeconds:0.0} s (TCG; libvirt {guest.Connection.DaemonVersion}, QEMU {guest.Connection.HypervisorVersion})");

        double? odirect = null;
        if (options.Runs_("throughput"))
        {
            _randomSource ??= Measure.RandomSource();
            odirect = Measure.ODirectBytesPerSecond(guest.Directory, _randomSource);
        }

        // Three instant snapshots in a row, medians reported: one sample is at the mercy of whatever else the
        // host runs at that moment.
        var instants = new List<InstantResult>();
        for (var k = 0; k < InstantRounds; k++)
        {
            instants.Add(await InstantAsync(guest, $"instant-{sizeMiB}-{k}"));
            await Task.Delay(500);
        }
        var instantName = $"instant-{sizeMiB}-0";
        var instant = instants.OrderBy(i => i.PauseMs).ElementAt(instants.Count / 2);
        var throughput = Measure.Median(instants.Select(i => i.BytesPerSecond));
        string Samples(Func<InstantResult, double> f, double scale = 1) =>
            string.Join("/", instants.Select(i => (f(i) / scale).ToString("0.0", CultureInfo.InvariantCulture)));
        var classicName = $"classic-{sizeMiB}";
        var classic = await ClassicAsync(stack, guest, classicName, live: false);
        var live = await ClassicAsync(stack, guest, $"live-{sizeMiB}", live: true);

        if (options.Runs_("instant"))
        {
            var first = instants[0];
            var repeats = instants.Skip(1).OrderBy(i => i.PauseMs).ToList();
            var repeat = repeats[repeats.Count / 2];
            Add(new Row($"pause {size}, 1st on its QEMU", first.PauseMs, classic.PauseMs, "ms", "classic", "< 50 ms", first.PauseMs < 50,
                string.Create(CultureInfo.InvariantCulture, $"the first instant snapshot of a freshly booted guest; {first.PauseBreakdown}; classic --live's final pause {live.PauseMs:0} ms ({live.Pauses} pauses)")));
            Add(new Row($"pause {size}, 2nd/3rd", repeat.PauseMs, classic.PauseMs, "ms", "classic", "< 50 ms", repeat.PauseMs < 50,
                string.Create(CultureInfo.InvariantCulture, $"pauses {Samples(i => i.PauseMs)} ms in a row on the same QEMU, 0.5 s apart; this one: {repeat.PauseBreakdown}. What grows is the time QEMU takes to resume after 'migrate' (its userfaultfd write-protection of all guest RAM), not the engine's steps")));
            Add(new Row($"pause {size} vs --live", instant.PauseMs, live.PauseMs, "ms", "classic --live", "-", null));
            Add(new Row($"snapshot point {size}", Measure.Median(instants.Select(i => i.PointMs)), classic.PointMs, "ms", "classic", "-", null,
                $"request to snapshot point (median of {Samples(i => i.PointMs)} ms; the instant one checks the host and domain and creates the overlays first); classic's point is its pause start (the memory is written in the pause)"));
            Add(new Row($"snapshot point {size} vs --live", Measure.Median(instants.Select(i => i.PointMs)), live.PointMs, "ms", "classic --live", "-", null,
                "--live's point is its final pause (the state at the end of the write)"));
        }
        if (odirect is { } od)
        {
            var cachedShare = instants.Max(i => i.FileCached is { } c ? (double)c / i.Bytes : double.NaN);
            var met = throughput >= 0.7 * od && cachedShare < 0.1;
            Add(new Row($"memory write {size}", throughput / MB, od / MB, "MB/s", "dd O_DIRECT", ">= 0.70x, not cached", met,
                string.Create(CultureInfo.InvariantCulture,
                    $"median of {Samples(i => i.BytesPerSecond, MB)} MB/s; {instant.Bytes / MB:0} MB image; {instant.FileCached / MB:0} MB of it in the page cache after the write (fincore); Cached {instant.CacheDelta / MB:+0;-0} MB across the snapshot; {instant.Relay} (waiting for QEMU, not the disk, means QEMU's background snapshot sets the pace: a TCG vCPU busy on one of {Environment.ProcessorCount} cores, QEMU's migration thread on the other)")));
            Add(new Row($"classic memory write {size}", classic.BytesPerSecond / MB, od / MB, "MB/s", "dd O_DIRECT", "-", null,
                string.Create(CultureInfo.InvariantCulture, $"classic --live {live.BytesPerSecond / MB:0} MB/s; libvirt writes through its iohelper")));
        }

        if (options.Runs_("revert") && sizeMiB == options.EffectiveRevertSize)
            await new RevertFigures(stack, guest, Add, logs).RunAsync(instantName, classicName, size);
    }

    /// <summary>The benchmark's guest: <paramref name="sizeMiB"/> of RAM, 80 % of it filled and rewritten, its counter ticking.</summary>
    public static async Task<TestGuest.TestGuest> StartBusyGuestAsync(Stack stack, int sizeMiB)
    {
        var fill = Math.Min(sizeMiB * 8 / 10, sizeMiB - 96);
        Console.Error.WriteLine($"bench: booting a {sizeMiB} MiB guest on {stack.Name} filling {fill} MiB, rewriting {RewriteMiBPerSecond} MiB/s");
        var guest = await TestGuest.TestGuest.StartAsync(new TestGuestOptions
        {
            Uri = stack.Uri,
            MemoryMiB = sizeMiB,
            FillMiB = fill,
            RewriteMiBPerSecond = RewriteMiBPerSecond,
            TickMilliseconds = 100,
            Purpose = $"bench-{sizeMiB}",
            BootTimeout = TimeSpan.FromSeconds(60 + sizeMiB / 16),
        });
        await guest.WaitForSequenceAsync(s => s >= 3, TimeSpan.FromSeconds(60));
        return guest;
    }

    public void Dispose()
    {
        if (_randomSource is not null)
            File.Delete(_randomSource);
    }

    private sealed record InstantResult(double PauseMs, double PointMs, double EnginePauseMs, long Bytes, double BytesPerSecond,
        long? FileCached, long CacheDelta, string MemoryFile, string PauseBreakdown, string Relay);

    private async Task<InstantResult> InstantAsync(TestGuest.TestGuest guest, string name)
    {
        var memoryFile = Path.Combine(guest.Directory, name + ".mem");
        var steps = new StepLog();
        using var factory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Debug).AddProvider(new ForwardingProvider(logs, steps)));
        using var engine = new SnapshotEngine(guest.Connection, factory);
        using var recorder = new PauseRecorder(guest.Connection, guest.Domain);
        SnapshotPoint? point = null;
        var cacheBefore = Measure.PageCacheBytes();
        var requested = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        await engine.Domain(guest.DomainName).CreateAsync(new SnapshotCreateOptions
        {
            Name = name,
            Memory = MemorySpec.External(memoryFile),
            Modifiers = new SnapshotCreateModifiers { Instant = true },
            OnSnapshotPoint = p => point = p,
        });
        var done = requested + clock.Elapsed;
        var cacheDelta = Measure.PageCacheBytes() - cacheBefore;
        var cached = Measure.CachedBytesOf(memoryFile);
        var bytes = new FileInfo(memoryFile).Length;
        var pauses = await recorder.WaitPausesAsync(1);
        if (pauses.Count == 0)
            throw new InvalidOperationException("no SUSPENDED/RESUMED events were seen for the instant snapshot");
        var (suspended, resumed) = pauses[0];
        return new InstantResult((resumed - suspended).TotalMilliseconds, (suspended - requested).TotalMilliseconds,
            point?.GuestPause.TotalMilliseconds ?? double.NaN, bytes, bytes / (done - resumed).TotalSeconds, cached, cacheDelta, memoryFile,
            steps.Describe(suspended), steps.Find("relay wrote") ?? "no relay line logged");
    }

    private sealed record ClassicResult(double PauseMs, double PointMs, int Pauses, double BytesPerSecond);

    private static async Task<ClassicResult> ClassicAsync(Stack stack, TestGuest.TestGuest guest, string name, bool live)
    {
        var memoryFile = Path.Combine(guest.Directory, name + ".mem");
        var overlay = Path.Combine(guest.Directory, "disk." + name);
        using var recorder = new PauseRecorder(guest.Connection, guest.Domain);
        List<string> arguments = ["snapshot-create-as", guest.DomainName, name,
            "--memspec", $"file={memoryFile},snapshot=external", "--diskspec", $"vda,snapshot=external,file={overlay}"];
        if (live)
            arguments.Add("--live");
        var requested = DateTimeOffset.UtcNow;
        var run = Measure.Virsh(stack, [.. arguments]);
        var pauses = await recorder.WaitPausesAsync(1);
        if (pauses.Count == 0)
            throw new InvalidOperationException($"no SUSPENDED/RESUMED events were seen for {name}");
        var (suspended, resumed) = pauses[^1];
        var bytes = new FileInfo(memoryFile).Length;
        // Non-live: the memory is written inside the pause. Live: from the request to the end of the final pause.
        var writing = live ? resumed - requested : resumed - suspended;
        _ = run;
        return new ClassicResult((resumed - suspended).TotalMilliseconds, (suspended - requested).TotalMilliseconds, pauses.Count,
            bytes / writing.TotalSeconds);
    }
}
