using Snapshot.Engine.Tests.Faults;
using Snapshot.Interop;

namespace Snapshot.Engine.Tests.Group;

/// <summary>
/// A test-driver node of several running domains (m1, m2, ...), each with one raw disk that really exists, and an
/// engine on it with a fault hook, a fake QEMU per domain and the group records in the node's own directory.
/// </summary>
internal sealed class GroupNode : IDisposable
{
    private readonly Dictionary<string, FakeQemu> _qemus = new(StringComparer.Ordinal);

    public GroupNode(IStepHook hook, int domains = 2, string secondDevices = "", Action<string, FakeQemu>? configure = null)
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("virtsnap-group-").FullName;
        Records = System.IO.Directory.CreateDirectory(Path("records")).FullName;
        Names = [.. Enumerable.Range(1, domains).Select(i => $"m{i}")];
        var definitions = Names.Select((name, i) =>
        {
            File.WriteAllBytes(Path(name + ".img"), new byte[1 << 20]);
            return $"""
                <domain type='test'>
                  <name>{name}</name>
                  <memory unit='MiB'>64</memory>
                  <os><type arch='x86_64'>hvm</type></os>
                  <devices>
                    <disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='{Path(name + ".img")}'/><target dev='vda' bus='virtio'/></disk>
                    {(i == 1 ? secondDevices : "")}
                  </devices>
                </domain>
                """;
        });
        var node = Path("node.xml");
        File.WriteAllText(node, $"<node>{string.Join("\n", definitions)}</node>");
        Connection = LibvirtConnection.Open("test://" + node);
        Engine = new SnapshotEngine(Connection, null, ownsConnection: true, new EngineSeams(hook, d =>
        {
            var qemu = new FakeQemu(d);
            configure?.Invoke(d.Name, qemu);
            lock (_qemus)
                _qemus[d.Name] = qemu;
            return qemu;
        }) { GroupDirectory = Records });
    }

    public string Directory { get; }

    public string Records { get; }

    public IReadOnlyList<string> Names { get; }

    public LibvirtConnection Connection { get; }

    public SnapshotEngine Engine { get; }

    public string Path(string name) => System.IO.Path.Combine(Directory, name);

    /// <summary>The fake QEMU of a domain's last instant snapshot (null before one).</summary>
    public FakeQemu? Qemu(string domain)
    {
        lock (_qemus)
            return _qemus.GetValueOrDefault(domain);
    }

    public (DomainState State, string Disk, int Snapshots) StateOf(string domain)
    {
        using var dom = Connection.LookupDomain(domain);
        var disk = (string)System.Xml.Linq.XElement.Parse(dom.GetXmlDesc()).Element("devices")!.Element("disk")!.Element("source")!.Attribute("file")!;
        return (dom.GetState().State, disk, dom.SnapshotCount());
    }

    public void Dispose()
    {
        Engine.Dispose();
        System.IO.Directory.Delete(Directory, recursive: true);
    }
}

/// <summary>Fails the <c>nth</c> run of a step across every operation of an engine: the second member's, for a group.</summary>
internal sealed class NthStepFault(string step, int nth) : IStepHook
{
    private int _seen;

    public ValueTask BeforeAsync(StepPoint point, CancellationToken cancellationToken)
    {
        if (point.Step == step && Interlocked.Increment(ref _seen) == nth)
            throw new InjectedFaultException(step);
        return ValueTask.CompletedTask;
    }

    public ValueTask AfterAsync(StepPoint point, StepLedger ledger, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}
