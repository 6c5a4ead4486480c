using Snapshot.Interop;

namespace Snapshot.Engine.Tests.Faults;

/// <summary>
/// A test-driver node whose running domain "test" has one raw disk that really exists, in a directory of
/// its own, and an engine on it with a fault hook and a fake QEMU.
/// </summary>
internal sealed class FaultNode : IDisposable
{
    public const string Domain = "test";

    /// <param name="hook">The fault seam.</param>
    /// <param name="configure">Changes the fake QEMU's replies.</param>
    /// <param name="devices">More devices of the domain (XML inside its &lt;devices&gt;).</param>
    /// <param name="domainExtra">More elements of the domain (XML after its &lt;os&gt;).</param>
    /// <param name="qemuOpensFile">QEMU opens the memory file itself (a <c>file:</c> URI), as over a remote connection.</param>
    public FaultNode(IStepHook hook, Action<FakeQemu>? configure = null, string devices = "", string domainExtra = "", bool qemuOpensFile = false)
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
                {domainExtra}
                <devices>
                  <disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='{Disk}'/><target dev='vda' bus='virtio'/></disk>
                  {devices}
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
        }) { QemuOpensMemoryFile = qemuOpensFile, QemuLogDirectory = Directory });
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

    /// <summary>
    /// Records an external snapshot of the domain as it is now (its disk frozen, an overlay named after it),
    /// as libvirt would after a disk-only or memory snapshot: with a memory file (written here: libvirt's
    /// save-image magic, or <paramref name="memoryText"/>) when <paramref name="state"/> is running, none for shutoff.
    /// </summary>
    public void SeedExternal(string name, string state, string? parent = null, bool current = false, string? memoryText = null)
    {
        var memory = state == "running" ? Path(name + ".mem") : null;
        if (memory is not null)
            File.WriteAllText(memory, memoryText ?? SaveImageHeader.CompleteMagic + "\u0002 the rest of a save image");
        var xml = new System.Xml.Linq.XElement("domainsnapshot",
            new System.Xml.Linq.XElement("name", name),
            new System.Xml.Linq.XElement("state", state),
            new System.Xml.Linq.XElement("creationTime", 1_700_000_000),
            memory is null
                ? new System.Xml.Linq.XElement("memory", new System.Xml.Linq.XAttribute("snapshot", "no"))
                : new System.Xml.Linq.XElement("memory", new System.Xml.Linq.XAttribute("snapshot", "external"), new System.Xml.Linq.XAttribute("file", memory)),
            new System.Xml.Linq.XElement("disks", new System.Xml.Linq.XElement("disk", new System.Xml.Linq.XAttribute("name", "vda"),
                new System.Xml.Linq.XAttribute("snapshot", "external"), new System.Xml.Linq.XAttribute("type", "file"),
                new System.Xml.Linq.XElement("source", new System.Xml.Linq.XAttribute("file", Path(name + ".qcow2"))))),
            parent is null ? null : new System.Xml.Linq.XElement("parent", new System.Xml.Linq.XElement("name", parent)),
            System.Xml.Linq.XElement.Parse(Dom.GetXmlDesc(DomainXmlFlags.Secure)));
        var flags = SnapshotCreateFlags.Redefine | (current ? SnapshotCreateFlags.Current : 0);
        Dom.CreateSnapshot(xml.ToString(), flags).Dispose();
    }

    public IReadOnlyList<string> SnapshotNames() => Dom.ListSnapshotNames();

    public void Dispose()
    {
        Dom.Dispose();
        Engine.Dispose();
        System.IO.Directory.Delete(Directory, recursive: true);
    }
}
