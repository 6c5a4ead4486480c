using System.Globalization;
using System.Text;
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

    /// <summary>
    /// The domain named by <paramref name="domain"/> as virsh's "domain name, id or uuid" finds it, in
    /// virsh's order: as an ID when it reads as a non-negative int (C's strtol: leading blanks and a sign
    /// allowed, nothing after), then as a UUID when it is 36 bytes long (libvirt parses it), then as a
    /// name. A domain may be named "1" or like a UUID, so each miss falls through to the next try.
    /// </summary>
    /// <exception cref="DomainNotFoundException">No try found it; the message is virsh's <c>failed to get domain 'X'</c>.</exception>
    private LibvirtDomain Domain(string domain)
    {
        ArgumentException.ThrowIfNullOrEmpty(domain);
        if (int.TryParse(domain, NumberStyles.AllowLeadingWhite | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var id) && id >= 0)
        {
            try
            {
                return Connection.LookupDomain(id);
            }
            catch (DomainNotFoundException)
            {
            }
        }

        if (Encoding.UTF8.GetByteCount(domain) == UuidStringLength)
        {
            try
            {
                return Connection.LookupDomainByUuidString(domain);
            }
            catch (LibvirtException e) when (e is DomainNotFoundException || e.Code == LibvirtErrorCode.InvalidArg)
            {
            }
        }

        try
        {
            return Connection.LookupDomain(domain);
        }
        catch (DomainNotFoundException e)
        {
            // libvirt's message names only the last try (the test driver's says only "Domain not found").
            throw new DomainNotFoundException($"failed to get domain '{domain}'", e.Code, e.ErrorDomain, e.Level);
        }
    }

    // VIR_UUID_STRING_BUFLEN - 1: virsh tries a UUID only at exactly this length.
    private const int UuidStringLength = 36;

    private static LibvirtDomainSnapshot Lookup(LibvirtDomain domain, string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return domain.LookupSnapshot(name);
    }

    private static SnapshotInfo Describe(LibvirtDomainSnapshot snapshot) =>
        SnapshotXmlReader.Parse(snapshot.Domain.Name, snapshot.GetXmlDesc(), snapshot.IsCurrent);
}
