using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Snapshot.Interop;

namespace Snapshot.Engine;

/// <summary>
/// The snapshot engine: create (classic and instant), list, inspect, delete and revert snapshots of
/// libvirt domains over one connection. Safe to use from several threads.
/// </summary>
public sealed partial class SnapshotEngine : IDisposable
{
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly bool _ownsConnection;

    /// <summary>Uses an open connection; the caller keeps owning it.</summary>
    public SnapshotEngine(LibvirtConnection connection, ILoggerFactory? loggerFactory = null)
        : this(connection, loggerFactory, ownsConnection: false)
    {
    }

    private SnapshotEngine(LibvirtConnection connection, ILoggerFactory? loggerFactory, bool ownsConnection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        Connection = connection;
        _ownsConnection = ownsConnection;
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        _logger = _loggerFactory.CreateLogger<SnapshotEngine>();
    }

    /// <summary>Opens a connection to <paramref name="uri"/> (null: libvirt's default, as virsh) and owns it.</summary>
    public static SnapshotEngine Connect(string? uri, ILoggerFactory? loggerFactory = null, bool readOnly = false)
    {
        var connection = LibvirtConnection.Open(uri, readOnly ? ConnectFlags.ReadOnly : ConnectFlags.None);
        return new SnapshotEngine(connection, loggerFactory, ownsConnection: true);
    }

    /// <summary>The libvirt connection the engine works on.</summary>
    public LibvirtConnection Connection { get; }

    /// <summary>The library, daemon and hypervisor versions, as <c>virsh version</c> reports them.</summary>
    public HostVersions GetVersions()
    {
        Version? daemon;
        try
        {
            daemon = Connection.DaemonVersion;
        }
        catch (LibvirtException)
        {
            daemon = null;
        }
        return new HostVersions(LibvirtConnection.LibraryVersion, daemon, Connection.HypervisorType, Connection.HypervisorVersion);
    }

    /// <summary>Maps any exception from the engine or libvirt to the kind of failure it is.</summary>
    public static SnapshotErrorKind Classify(Exception exception) => ErrorClassifier.Classify(exception);

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsConnection)
            Connection.Dispose();
    }

    /// <summary>The domain by UUID or name, as virsh's "domain name, id or uuid" (IDs: not yet).</summary>
    private LibvirtDomain Domain(string domain)
    {
        ArgumentException.ThrowIfNullOrEmpty(domain);
        if (Guid.TryParse(domain, out var uuid))
        {
            try
            {
                return Connection.LookupDomain(uuid);
            }
            catch (DomainNotFoundException)
            {
                // A domain may be named like a UUID: fall back to the name, as virsh does.
            }
        }
        return Connection.LookupDomain(domain);
    }

    private static LibvirtDomainSnapshot Lookup(LibvirtDomain domain, string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return domain.LookupSnapshot(name);
    }

    private static SnapshotInfo Describe(LibvirtDomainSnapshot snapshot) =>
        SnapshotXmlReader.Parse(snapshot.Domain.Name, snapshot.GetXmlDesc(), snapshot.IsCurrent);
}
