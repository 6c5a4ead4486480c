using System.Diagnostics;
using System.Globalization;
using System.Xml.Linq;
using Microsoft.Extensions.Logging;
using Snapshot.Engine;
using Snapshot.Interop;
using Snapshot.TestGuest;

namespace Snapshot.Benchmarks;

/// <summary>
/// The revert figures of one guest on one stack, alternating rounds with their yardsticks, caches dropped before
/// each, medians: the engine's revert of the instant snapshot, guest shut off, beside <c>virsh restore</c> of its
/// memory file; and the engine's revert of the running guest to virsh's classic snapshot beside the daemon's own
/// <c>virsh snapshot-revert</c> of the same snapshot where the daemon reverts external snapshots (libvirt 9.9 and later).
/// </summary>
internal sealed class RevertFigures(Stack stack, TestGuest.TestGuest guest, Action<Row> add, ILoggerFactory logs)
{
    private const int Rounds = 3;
    private static readonly Version DaemonReverts = new(9, 9);
    private readonly StepLog _steps = new();

    public async Task RunAsync(string instantName, string classicName, string size)
    {
        using var factory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Debug).AddProvider(new ForwardingProvider(logs, _steps)));
        using var engine = new SnapshotEngine(guest.Connection, factory);
        await AgainstRestoreAsync(engine, instantName, size);
        await AgainstSnapshotRevertAsync(engine, classicName, size);
    }

    // One revert by the engine from the page cache dropped: its time and its steps' times.
    private async Task<(double Ms, string Steps)> TimedRevertAsync(SnapshotEngine engine, string name)
    {
        Measure.DropCaches();
        _steps.StepTimes(DateTimeOffset.UtcNow);
        var clock = Stopwatch.StartNew();
        await engine.Domain(guest.DomainName).RevertAsync(name);
        var ms = clock.Elapsed.TotalMilliseconds;
        return (ms, _steps.StepTimes(DateTimeOffset.UtcNow));
    }

    private static string Join(IEnumerable<double> values) => string.Join("/", values.Select(x => x.ToString("0", CultureInfo.InvariantCulture)));

    private async Task AgainstRestoreAsync(SnapshotEngine engine, string name, string size)
    {
        var memoryFile = Path.Combine(guest.Directory, name + ".mem");
        // From a running guest: the engine stops it itself.
        var (oursRunning, _) = await TimedRevertAsync(engine, name);
        var clock = new Stopwatch();

        // From a shut-off guest, like the yardstick: both only bring the saved memory back.
        var ours = new List<double>();
        var theirs = new List<double>();
        var destroys = new List<double>();
        var overlayMs = 0.0;
        var steps = "";
        for (var round = 0; round < Rounds; round++)
        {
            clock.Restart();
            guest.Domain.Destroy();
            destroys.Add(clock.Elapsed.TotalMilliseconds);
            (var ms, steps) = await TimedRevertAsync(engine, name);
            ours.Add(ms);

            // The yardstick: virsh restore of the same memory file, with an --xml whose disk is a fresh overlay.
            guest.Domain.Destroy();
            var overlay = Path.Combine(guest.Directory, $"virsh-restore-{round}.qcow2");
            clock.Restart();
            Measure.Run("qemu-img", ["create", "-q", "-f", "qcow2", "-F", "qcow2", "-b", guest.DiskPath, overlay]);
            overlayMs = clock.Elapsed.TotalMilliseconds;
            var xml = XElement.Parse(guest.Connection.GetSaveImageXml(memoryFile, DomainXmlFlags.Secure));
            var disk = xml.Element("devices")!.Element("disk")!;
            disk.Element("source")!.SetAttributeValue("file", overlay);
            disk.Element("backingStore")?.Remove();
            var xmlFile = Path.Combine(guest.Directory, "virsh-restore.xml");
            await File.WriteAllTextAsync(xmlFile, xml.ToString());
            Measure.DropCaches();
            theirs.Add(Measure.Virsh(stack, "restore", memoryFile, "--xml", xmlFile).Elapsed.TotalMilliseconds);
        }
        var oursStopped = Measure.Median(ours);
        var yardstick = Measure.Median(theirs);
        var destroyMs = Measure.Median(destroys);
        add(new Row($"revert {size}, guest shut off", oursStopped, yardstick, "ms", "virsh restore", "<= 1.1x", oursStopped <= 1.1 * yardstick,
            string.Create(CultureInfo.InvariantCulture,
                $"the instant snapshot; median of {Rounds} alternating rounds (ours {Join(ours)}, virsh {Join(theirs)} ms); both read the memory file cold (caches dropped); the engine also creates the overlay (qemu-img create alone: {overlayMs:0} ms), defines the domain and re-registers the snapshot as current; its steps (ms, last round): {steps}")));
        add(new Row($"revert {size}, guest running, vs destroy + restore", oursRunning, destroyMs + yardstick, "ms", "virsh destroy + restore", "-", null,
            string.Create(CultureInfo.InvariantCulture, $"one round; stopping the TCG guest (virDomainDestroy) takes {destroyMs:0} ms (median)")));
    }

    // The running guest reverted to virsh's classic snapshot, by the engine and by the daemon itself, in turn.
    // libvirt 9.0 refuses the daemon's ("revert to external snapshot not supported yet"): ours alone there.
    private async Task AgainstSnapshotRevertAsync(SnapshotEngine engine, string name, string size)
    {
        var daemonReverts = guest.Connection.DaemonVersion >= DaemonReverts;
        var ours = new List<double>();
        var theirs = new List<double>();
        var steps = "";
        for (var round = 0; round < Rounds; round++)
        {
            (var ms, steps) = await TimedRevertAsync(engine, name);
            ours.Add(ms);
            if (!daemonReverts)
                continue;
            Measure.DropCaches();
            theirs.Add(Measure.Virsh(stack, "snapshot-revert", guest.DomainName, name).Elapsed.TotalMilliseconds);
        }
        if (daemonReverts)
        {
            // The daemon's revert ran last: one more of ours, so that the files left are those after ours.
            await engine.Domain(guest.DomainName).RevertAsync(name);
        }
        var layers = Directory.GetFiles(guest.Directory, "*-revert-*").Select(Path.GetFileName).ToList();
        double? yardstick = daemonReverts ? Measure.Median(theirs) : null;
        var median = Measure.Median(ours);
        var versus = daemonReverts
            ? $", libvirt's {Join(theirs)} ms)"
            : $" ms; libvirt {guest.Connection.DaemonVersion} does not revert external snapshots)";
        var kept = string.Join(", ", layers);
        add(new Row($"revert {size}, guest running", median, yardstick, "ms", "virsh snapshot-revert", "<= 1.1x", yardstick is { } y ? median <= 1.1 * y : null,
            $"virsh's classic snapshot of the running guest (external, with memory); median of {Rounds} alternating rounds (ours {Join(ours)}{versus}, " +
            $"caches dropped before each; ours from a running guest, its steps (ms, last round): {steps}; revert layers left after the last of ours: {layers.Count} ({kept})" +
            (daemonReverts ? "; beyond the one the domain runs on, the daemon's reverts left them (libvirt deletes only overlays it recorded itself) and the shut-off rounds' virsh restore" : "")));
    }
}
