using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Xml.Linq;
using Snapshot.Interop;

namespace Snapshot.Benchmarks;

/// <summary>
/// Figures 4 and 5: whole-process <c>snapshot-list</c> (plain and --tree) on a shut-off domain holding
/// many snapshots, and CLI start-up, the published virt-snap beside virsh.
/// </summary>
internal sealed class ListFigures(BenchOptions options, Report report)
{
    public void Run()
    {
        if (options.VirtSnap is null || !File.Exists(options.VirtSnap))
        {
            report.Note($"list and startup figures skipped: no published virt-snap (--virt-snap, got '{options.VirtSnap}'); run native/bench.sh");
            return;
        }
        if (options.Runs_("startup"))
            Startup();
        if (options.Runs_("list"))
            List();
    }

    private void Startup()
    {
        var (ours, _) = Measure.MedianMs(options.Runs, options.VirtSnap!, ["-c", Measure.Uri, "version"]);
        var (virsh, _) = Measure.MedianMs(options.Runs, "virsh", ["-c", Measure.Uri, "version"]);
        var (floor, _) = Measure.MedianMs(options.Runs, options.VirtSnap!, ["--help"]);
        var (virshFloor, _) = Measure.MedianMs(options.Runs, "virsh", ["--help"]);
        report.Add(new Row("startup: version", ours, virsh, "ms", "virsh version", "<= 1.5x", ours <= 1.5 * virsh,
            string.Create(CultureInfo.InvariantCulture,
                $"median of {options.Runs}; {Kind()}; --help (no libvirt connection): virt-snap {floor:0} ms, virsh {virshFloor:0} ms")));
        PeakMemory("version", ["-c", Measure.Uri, "version"]);
    }

    /// <summary>Peak resident memory of one command, virt-snap's beside virsh's.</summary>
    private void PeakMemory(string figure, IReadOnlyList<string> arguments)
    {
        var ours = Measure.PeakRssKb(options.Runs, options.VirtSnap!, arguments) / 1024;
        var virsh = Measure.PeakRssKb(options.Runs, "virsh", arguments) / 1024;
        report.Add(new Row($"peak memory: {figure}", ours, virsh, "MB", "virsh", "<= 2.0x", ours <= 2 * virsh,
            string.Create(CultureInfo.InvariantCulture, $"median of {options.Runs} runs apart from the timed ones; ru_maxrss (GNU time %M), MiB")));
    }

    /// <summary>What the measured virt-snap is: the NativeAOT binary native/bench.sh publishes, or a managed build.</summary>
    private string Kind() =>
        File.Exists(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(options.VirtSnap!))!, "virt-snap.dll"))
            ? "a managed build (apphost and virt-snap.dll)"
            : "the NativeAOT binary";

    private void List()
    {
        var name = $"virtsnap-benchlist-{RandomNumberGenerator.GetHexString(8, lowercase: true)}";
        var uuid = Guid.NewGuid();
        using var connection = LibvirtConnection.Open(Measure.Uri);
        var domainXml = new XElement("domain", new XAttribute("type", "qemu"),
            new XElement("name", name),
            new XElement("uuid", uuid.ToString("D")),
            new XElement("memory", new XAttribute("unit", "MiB"), 64),
            new XElement("vcpu", 1),
            new XElement("os", new XElement("type", new XAttribute("arch", "x86_64"), new XAttribute("machine", "pc"), "hvm")),
            new XElement("devices",
                new XElement("disk", new XAttribute("type", "file"), new XAttribute("device", "disk"),
                    new XElement("driver", new XAttribute("name", "qemu"), new XAttribute("type", "qcow2")),
                    new XElement("source", new XAttribute("file", $"/var/tmp/{name}.qcow2")),
                    new XElement("target", new XAttribute("dev", "vda"), new XAttribute("bus", "virtio")))));
        using var dom = connection.DefineDomain(domainXml.ToString());
        try
        {
            var clock = Stopwatch.StartNew();
            Populate(dom, domainXml, options.Snapshots);
            report.Note(string.Create(CultureInfo.InvariantCulture,
                $"{options.Snapshots} snapshots redefined (a chain with a branch every 25) in {clock.Elapsed.TotalSeconds:0.0} s"));
            foreach (var tree in new[] { false, true })
            {
                List<string> arguments = ["-c", Measure.Uri, "snapshot-list", name];
                if (tree)
                    arguments.Add("--tree");
                var (ours, oursRun) = Measure.MedianMs(options.Runs, options.VirtSnap!, arguments);
                var (virsh, virshRun) = Measure.MedianMs(options.Runs, "virsh", arguments);
                var same = oursRun.Output == virshRun.Output;
                var figure = $"snapshot-list{(tree ? " --tree" : "")} ({options.Snapshots})";
                report.Add(new Row(figure, ours, virsh, "ms", "virsh", "<= 1.0x", ours <= virsh,
                    string.Create(CultureInfo.InvariantCulture, $"median of {options.Runs}; {Kind()}; output {(same ? "identical to virsh's" : "DIFFERS from virsh's")}")));
                PeakMemory(figure, arguments);
            }
        }
        finally
        {
            dom.Undefine(DomainUndefineFlags.SnapshotsMetadata);
        }
    }

    /// <summary>A chain s0000..sN-1 where every 25th snapshot branches off the one 10 back, each redefined with its domain.</summary>
    private static void Populate(LibvirtDomain dom, XElement domainXml, int count)
    {
        for (var i = 0; i < count; i++)
        {
            string? parent = i == 0 ? null : i % 25 == 0 && i >= 10 ? Name(i - 10) : Name(i - 1);
            var snapshot = new XElement("domainsnapshot",
                new XElement("name", Name(i)),
                new XElement("description", $"benchmark snapshot {i}"),
                new XElement("state", "shutoff"),
                new XElement("creationTime", 1_700_000_000 + i),
                parent is null ? null : new XElement("parent", new XElement("name", parent)),
                new XElement("memory", new XAttribute("snapshot", "no")),
                new XElement("disks", new XElement("disk", new XAttribute("name", "vda"), new XAttribute("snapshot", "internal"))),
                domainXml);
            var flags = SnapshotCreateFlags.Redefine | (i == count - 1 ? SnapshotCreateFlags.Current : 0);
            dom.CreateSnapshot(snapshot.ToString(), flags).Dispose();
        }
    }

    private static string Name(int i) => "s" + i.ToString("D4", CultureInfo.InvariantCulture);
}
