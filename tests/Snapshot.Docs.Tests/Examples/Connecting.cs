// begin-snippet: usings
using Microsoft.Extensions.Logging;
using Snapshot.Engine;
using Snapshot.Interop;
// end-snippet

namespace Snapshot.Docs.Tests.Examples;

public static class Connecting
{
    // begin-snippet: connect
    public static void PrintVersions(string? uri = "qemu:///system")
    {
        // null: libvirt's default (LIBVIRT_DEFAULT_URI, then libvirt's own choice), as virsh does.
        using var engine = SnapshotEngine.Connect(uri);
        var v = engine.GetVersions();
        Console.WriteLine($"libvirt {v.Library}, daemon {v.Daemon?.ToString() ?? "none"}, {v.HypervisorType} {v.Hypervisor}");
    }
    // end-snippet

    // begin-snippet: connect-existing
    public static SnapshotEngine OnExistingConnection(LibvirtConnection connection) =>
        // The engine uses the connection and never disposes it: the caller keeps owning it.
        new SnapshotEngine(connection);
    // end-snippet

    // begin-snippet: logging
    public static void WithLogging(string uri = "qemu:///system")
    {
        // The engine logs nothing unless given a logger factory: Information tells what each
        // instant snapshot and external revert did; Debug adds every step.
        using var loggerFactory = LoggerFactory.Create(builder => builder
            .SetMinimumLevel(LogLevel.Information)
            .AddSimpleConsole(o => o.SingleLine = true));
        using var engine = SnapshotEngine.Connect(uri, loggerFactory);
        Console.WriteLine($"connected: {engine.GetVersions().HypervisorType}");
    }
    // end-snippet
}
