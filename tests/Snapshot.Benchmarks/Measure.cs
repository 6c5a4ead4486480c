using System.Diagnostics;
using System.Globalization;
using Snapshot.Interop;
using Snapshot.TestGuest;

namespace Snapshot.Benchmarks;

/// <summary>A child process's outcome, timed from start to exit.</summary>
internal sealed record ChildRun(TimeSpan Elapsed, int ExitCode, string Output, string Error);

internal static class Measure
{
    public const string Uri = "qemu:///system";

    /// <summary>Runs a process to its end, timing the whole of it (start-up included).</summary>
    public static ChildRun Run(string file, IEnumerable<string> arguments, bool check = true)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in arguments)
            info.ArgumentList.Add(a);
        return Run(info, check);
    }

    /// <summary>The same for a prepared start (its output redirected), e.g. a stack's own virsh.</summary>
    public static ChildRun Run(ProcessStartInfo info, bool check = true)
    {
        var file = info.FileName;
        var arguments = info.ArgumentList;
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {file}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        var elapsed = clock.Elapsed;
        var run = new ChildRun(elapsed, process.ExitCode, stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult());
        if (check && run.ExitCode != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} exited {run.ExitCode}: {run.Error.Trim()}");
        return run;
    }

    /// <summary>
    /// A process's peak resident memory (its high-water mark, kB as GNU time reports wait4's ru_maxrss), from one run
    /// apart from the timed ones; the median of <paramref name="runs"/> runs.
    /// </summary>
    public static double PeakRssKb(int runs, string file, IReadOnlyList<string> arguments)
    {
        var report = Path.Combine(Path.GetTempPath(), $"virtsnap-bench-rss-{Environment.ProcessId}.txt");
        try
        {
            var peaks = new List<double>();
            for (var i = 0; i < runs; i++)
            {
                Run("/usr/bin/time", ["-f", "%M", "-o", report, file, .. arguments]);
                peaks.Add(double.Parse(File.ReadAllText(report).Trim(), CultureInfo.InvariantCulture));
            }
            return Median(peaks);
        }
        finally
        {
            File.Delete(report);
        }
    }

    /// <summary>
    /// <paramref name="stack"/>'s own virsh (the chroot's, inside it, for the second stack) on its daemon, timed
    /// from its start (the chroot's costs the same few ms).
    /// </summary>
    public static ChildRun Virsh(Stack stack, params string[] arguments) => Run(stack.VirshStartInfo(["-c", stack.Uri, .. arguments]));

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
            return double.NaN;
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    /// <summary>The median of <paramref name="runs"/> whole-process runs in ms, after one warm-up run.</summary>
    public static (double MedianMs, ChildRun Last) MedianMs(int runs, string file, IReadOnlyList<string> arguments)
    {
        var last = Run(file, arguments);
        var times = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            last = Run(file, arguments);
            times.Add(last.Elapsed.TotalMilliseconds);
        }
        return (Median(times), last);
    }

    /// <summary>/proc/meminfo's Cached, in bytes.</summary>
    public static long PageCacheBytes()
    {
        foreach (var line in File.ReadLines("/proc/meminfo"))
        {
            if (line.StartsWith("Cached:", StringComparison.Ordinal))
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
        }
        return 0;
    }

    /// <summary>How many bytes of <paramref name="path"/> sit in the page cache (util-linux fincore, mincore underneath).</summary>
    public static long? CachedBytesOf(string path)
    {
        try
        {
            var run = Run("fincore", ["--bytes", "--noheadings", "--output", "RES", path]);
            return long.Parse(run.Output.Trim(), CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    /// <summary>Writes back dirty pages and empties the page cache, so each restore reads its file from the disk.</summary>
    public static void DropCaches()
    {
        Run("sync", []);
        File.WriteAllText("/proc/sys/vm/drop_caches", "3");
    }

    /// <summary>
    /// The disk's own sequential write speed: 1 GiB of random data (from tmpfs) written with O_DIRECT in aligned
    /// 8 MiB blocks into <paramref name="directory"/>, fsynced at the end; bytes per second.
    /// </summary>
    public static double ODirectBytesPerSecond(string directory, string randomSource)
    {
        var target = Path.Combine(directory, "bench-odirect.bin");
        try
        {
            var run = Run("dd", [$"if={randomSource}", $"of={target}", "bs=8M", "count=128", "oflag=direct", "conv=fsync", "status=none"]);
            return (1L << 30) / run.Elapsed.TotalSeconds;
        }
        finally
        {
            File.Delete(target);
        }
    }

    /// <summary>A 1 GiB file of random bytes on tmpfs: the source of the O_DIRECT yardstick (zeros could be elided by a thin disk).</summary>
    public static string RandomSource()
    {
        var path = Path.Combine("/dev/shm", $"virtsnap-bench-{Environment.ProcessId}.bin");
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write);
        var buffer = new byte[8 << 20];
        for (var i = 0; i < 128; i++)
        {
            Random.Shared.NextBytes(buffer);
            file.Write(buffer);
        }
        return path;
    }
}

/// <summary>The guest's SUSPENDED/RESUMED lifecycle events, as the engine's own subscription sees them.</summary>
internal sealed class PauseRecorder : IDisposable
{
    private readonly List<DomainLifecycleEvent> _events = [];
    private readonly IDisposable _subscription;

    public PauseRecorder(LibvirtConnection connection, LibvirtDomain domain) =>
        _subscription = connection.SubscribeLifecycle(domain, e =>
        {
            lock (_events)
                _events.Add(e);
        });

    /// <summary>Every SUSPENDED→RESUMED pair seen so far.</summary>
    public IReadOnlyList<(DateTimeOffset Suspended, DateTimeOffset Resumed)> Pauses()
    {
        lock (_events)
        {
            var pauses = new List<(DateTimeOffset, DateTimeOffset)>();
            DateTimeOffset? suspended = null;
            foreach (var e in _events)
            {
                if (e.Type == DomainEventType.Suspended && suspended is null)
                    suspended = e.Time;
                else if (e.Type == DomainEventType.Resumed && suspended is { } s)
                {
                    pauses.Add((s, e.Time));
                    suspended = null;
                }
            }
            return pauses;
        }
    }

    /// <summary>Waits (up to 2 s) until <paramref name="count"/> pauses were seen: events arrive after the call that caused them.</summary>
    public async Task<IReadOnlyList<(DateTimeOffset Suspended, DateTimeOffset Resumed)>> WaitPausesAsync(int count)
    {
        for (var i = 0; i < 40 && Pauses().Count < count; i++)
            await Task.Delay(50);
        return Pauses();
    }

    public void Dispose() => _subscription.Dispose();
}
