namespace Snapshot.Engine.Tests;

/// <summary>
/// A node file for libvirt's test driver: each <c>test:///path</c> connection gets its own copy of the
/// state it describes (unlike <c>test:///default</c>, which one process shares).
/// </summary>
internal sealed class TestDriverNode : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("virtsnap-node-").FullName;

    public TestDriverNode()
    {
        var path = Path.Combine(_directory, "node.xml");
        File.WriteAllText(path, """
            <node>
              <domain type='test'>
                <name>test</name>
                <memory unit='MiB'>64</memory>
                <os><type arch='x86_64'>hvm</type></os>
                <devices>
                  <disk type='file' device='disk'><source file='/guest/diskimage1'/><target dev='vda' bus='virtio'/></disk>
                </devices>
              </domain>
            </node>
            """);
        Uri = "test://" + path;
    }

    public string Uri { get; }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
