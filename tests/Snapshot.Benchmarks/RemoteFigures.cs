using System.Diagnostics;
using System.Globalization;
using Snapshot.Interop;
using Snapshot.TestGuest;

namespace Snapshot.Benchmarks;

/// <summary>
/// The "remote" figure (issue 17): the instant pause and request→point over qemu+ssh and qemu+tcp to the second
/// stack, beside the same over its local unix socket, in one run. One busy guest per transport (a remote snapshot
/// skips collapse-huge-pages, so a guest shared between transports would carry one transport's page state into
/// the next one's pause), booted one after the other and then snapshotted in turns (unix, ssh, tcp, unix, ...), so
/// that the three see the same load. Each snapshot is the published NativeAOT virt-snap's, as a user runs it (no
/// JIT: the first snapshot in a .NET process pays for compiling the whole path, which an earlier measurement in
/// one test process had charged to whichever transport ran first). The pause is witnessed by libvirt's lifecycle
/// events on one local unix connection for all three (not on the transport being measured, whose event delivery
/// would shift both ends); the engine's own figure, from its events over its transport, is in the note. Beside it,
/// the round trip of one QMP command over each transport (what each call inside the pause costs).
/// </summary>
internal sealed class RemoteFigures(BenchOptions options, Report report)
{
    private const int RoundTrips = 30;

    private static readonly (string Name, string Uri)[] Transports =
    [
        ("unix socket", Stack.Backports.Uri),
        ("qemu+ssh", RemoteTarget.Ssh.Uri),
        ("qemu+tcp", RemoteTarget.Tcp.Uri),
    ];

    public async Task RunAsync()
    {
        if (options.VirtSnap is not { } binary)
            throw new InvalidOperationException("the remote figure needs --virt-snap (native/bench.sh passes it)");
        var stack = Stack.Backports;
        var sizeMiB = options.SizesMiB.Min();
        var size = sizeMiB >= 1024 ? $"{sizeMiB / 1024.0:0.#} GiB" : $"{sizeMiB} MiB";
        var rounds = Math.Clamp(options.Runs, 3, 5);
        var guests = new List<TestGuest.TestGuest>();
        try
        {
            foreach (var _ in Transports)
                guests.Add(await InstantFigures.StartBusyGuestAsync(stack, sizeMiB));
            var trips = Transports.Select((t, i) => RoundTripMs(t.Uri, guests[i].DomainName)).ToList();
            var results = Transports.Select(_ => new List<PauseSeries.Result>()).ToList();
            for (var k = 1; k <= rounds; k++)
            {
                for (var i = 0; i < Transports.Length; i++)
                {
                    results[i].Add(await PauseSeries.SnapshotAsync(Transports[i].Uri, guests[i], binary, $"remote-{sizeMiB}-{k}"));
                    await Task.Delay(500);
                }
            }
            AddRows(stack, size, rounds, trips, results);
        }
        finally
        {
            foreach (var guest in guests)
                await guest.DisposeAsync();
        }
    }

    private void AddRows(Stack stack, string size, int rounds, List<(double Median, double P90)> trips, List<List<PauseSeries.Result>> results)
    {
        void Add(Row row) => report.Add(row with { Stack = stack.Name });
        static string Samples(IEnumerable<double> values) => string.Join("/", values.Select(v => v.ToString("0.0", CultureInfo.InvariantCulture)));
        var unixPause = Measure.Median(results[0].Select(r => r.PauseMs));
        var unixPoint = Measure.Median(results[0].Select(r => r.PointMs));
        for (var i = 0; i < Transports.Length; i++)
        {
            var name = Transports[i].Name;
            var rs = results[i];
            var pause = Measure.Median(rs.Select(r => r.PauseMs));
            var point = Measure.Median(rs.Select(r => r.PointMs));
            var median = rs.OrderBy(r => r.PauseMs).ElementAt(rs.Count / 2);
            Add(new Row($"remote: pause {size}, {name}", pause, unixPause, "ms", "unix socket", "< 50 ms", pause < 50,
                $"median of {Samples(rs.Select(r => r.PauseMs))} ms ({rounds} in a row on one guest, in turns with the other transports; " +
                $"libvirt's events on a local connection); loads {string.Join("/", rs.Select(r => r.Load))}; {median.Breakdown}"));
            Add(new Row($"remote: request to point {size}, {name}", point, unixPoint, "ms", "unix socket", "-", null,
                $"median of {Samples(rs.Select(r => r.PointMs))} ms: virt-snap's process start (connecting included) to libvirt's SUSPENDED event; " +
                $"its steps before the pause, and its own figures from its events over its transport: {median.Before}"));
            Add(new Row($"remote: QMP round trip, {name}", trips[i].Median, trips[0].Median, "ms", "unix socket", "-", null,
                string.Create(CultureInfo.InvariantCulture,
                    $"median of {RoundTrips} query-status calls (virDomainQemuMonitorCommand) on one open connection, 90th percentile {trips[i].P90:0.00} ms: what each call inside the pause costs")));
        }
    }

    /// <summary>One QMP command's round trip over <paramref name="uri"/> (median and 90th percentile, ms), after three to warm up.</summary>
    private static (double Median, double P90) RoundTripMs(string uri, string domainName)
    {
        using var connection = LibvirtConnection.Open(uri);
        using var domain = connection.LookupDomain(domainName);
        const string command = """{"execute":"query-status"}""";
        for (var i = 0; i < 3; i++)
            domain.QemuMonitorCommand(command);
        var times = new List<double>();
        for (var i = 0; i < RoundTrips; i++)
        {
            var clock = Stopwatch.StartNew();
            domain.QemuMonitorCommand(command);
            times.Add(clock.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        return (Measure.Median(times), times[(int)Math.Ceiling(times.Count * 0.9) - 1]);
    }
}
