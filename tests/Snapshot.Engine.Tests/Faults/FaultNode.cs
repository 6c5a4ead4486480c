using Snapshot.Interop;

namespace Snapshot.Engine.Tests.Faults;

/// <summary>
/// A test-driver node whose running domain "test" has one raw disk that really exists, in a directory of
/// its own, and an engine on it with a fault hook and a fake QEMU.
/// </summary>
internal sealed class FaultNode : IDisposable
{
    public const string Domain = "test";

    public FaultNode(IStepHook hook, Action<FakeQemu>? configure = null)
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("virtsnap-fault-").FullName;
        Disk = System.IO.Path.Combine(Directory, "disk.img");
        File.WriteAllBytes(Disk, new byte[1 << 20]);
        var node = System.IO.Path.Combine(Directory, "node.xml");
        File.WriteAllText(node, $"""
            <node>
              <domain type='test'>
                <name>{Domain}</name>
                <memory unit='MiB'>64</memory>
                <os><type arch='x86_64'>hvm</type></os>
                <devices>
                  <disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='{Disk}'/><target dev='vda' bus='virtio'/></disk>
                </devices>
              </domain>
            </node>
            """);
        Hook = hook;
        Connection = LibvirtConnection.Open("test://" + node);
        Engine = new SnapshotEngine(Connection, null, ownsConnection: true, new EngineSeams(hook, d =>
        {
            Qemu = new FakeQemu(d);
            configure?.Invoke(Qemu);
            return Qemu;
        }));
        Dom = Connection.LookupDomain(Domain);
    }

    public string Directory { get; }

    public string Disk { get; }

    public IStepHook Hook { get; }

    public LibvirtConnection Connection { get; }

    public SnapshotEngine Engine { get; }

    public LibvirtDomain Dom { get; }

    /// <summary>The fake QEMU of the last instant snapshot (null before one).</summary>
    public FakeQemu? Qemu { get; private set; }

    public string Path(string name) => System.IO.Path.Combine(Directory, name);

    /// <summary>The disk's source in the domain's definition now.</summary>
    public string ActiveDisk() =>
        (string)System.Xml.Linq.XElement.Parse(Dom.GetXmlDesc()).Element("devices")!.Element("disk")!.Element("source")!.Attribute("file")!;

    public void Dispose()
    {
        Dom.Dispose();
        Engine.Dispose();
        System.IO.Directory.Delete(Directory, recursive: true);
    }
}
