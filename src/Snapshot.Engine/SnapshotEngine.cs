using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Snapshot.Interop;

namespace Snapshot.Engine;

/// <summary>
/// The snapshot engine over one libvirt connection: <see cref="Domain(string)"/> gives a domain's handle, whose
/// calls create (classic and instant), list, inspect, revert and delete its snapshots. Safe to use from several
/// threads. Every failure of a call is a <see cref="SnapshotException"/> (cancellation aside:
/// <see cref="OperationCanceledException"/>).
/// </summary>
public sealed partial class SnapshotEngine : ISnapshotEngine
{
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly bool _ownsConnection;
    private volatile bool _disposed;

    /// <summary>Uses an open connection; the caller keeps owning it (the engine never closes it).</summary>
    /// <param name="connection">An open libvirt connection (the binding's <c>LibvirtConnection.Open</c>).</param>
    /// <param name="loggerFactory">Where the engine logs its steps; null: nowhere.</param>
    /// <exception cref="ArgumentNullException"><paramref name="connection"/> is null.</exception>
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
        Callbacks = new UserCallbacks(_logger);
        _events = new EventHub(Callbacks);
    }

    /// <summary>Opens a connection and owns it: disposing the engine closes it.</summary>
    /// <param name="uri">libvirt's URI, e.g. <c>qemu:///system</c>; null: libvirt's default (LIBVIRT_DEFAULT_URI, then its own choice), as virsh.</param>
    /// <param name="loggerFactory">Where the engine logs its steps; null: nowhere.</param>
    /// <param name="readOnly">Open a read-only connection: reads work, changes fail with <see cref="SnapshotErrorKind.AccessDenied"/>.</param>
    /// <exception cref="SnapshotException">The connection failed (<see cref="SnapshotErrorKind.AccessDenied"/> when authentication did).</exception>
    public static SnapshotEngine Connect(string? uri = null, ILoggerFactory? loggerFactory = null, bool readOnly = false) =>
        Boundary(() => new SnapshotEngine(LibvirtConnection.Open(uri, readOnly ? ConnectFlags.ReadOnly : ConnectFlags.None), loggerFactory, ownsConnection: true));

    /// <summary>Opens a connection off the calling thread (a remote one may take a while) and owns it.</summary>
    /// <param name="uri">libvirt's URI; null: libvirt's default.</param>
    /// <param name="loggerFactory">Where the engine logs its steps; null: nowhere.</param>
    /// <param name="readOnly">Open a read-only connection.</param>
    /// <param name="cancellationToken">Stops waiting; a connection opened meanwhile is closed.</param>
    /// <exception cref="SnapshotException">The connection failed.</exception>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    public static async Task<SnapshotEngine> ConnectAsync(string? uri = null, ILoggerFactory? loggerFactory = null, bool readOnly = false,
        CancellationToken cancellationToken = default)
    {
        var engine = await Task.Run(() => Connect(uri, loggerFactory, readOnly), cancellationToken).ConfigureAwait(false);
        if (cancellationToken.IsCancellationRequested)
        {
            engine.Dispose();
            cancellationToken.ThrowIfCancellationRequested();
        }
        return engine;
    }

    /// <summary>The libvirt connection the engine works on (internal: users reach the binding through their own connection).</summary>
    internal LibvirtConnection Connection { get; }

    internal UserCallbacks Callbacks { get; }

    /// <inheritdoc />
    public HostVersions GetVersions() => Boundary(() =>
    {
        ThrowIfDisposed();
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
    });

    /// <inheritdoc cref="ISnapshotEngine.Domain(string)" />
    public SnapshotDomain Domain(string name)
    {
        ThrowIfDisposed();
        return new SnapshotDomain(this, Boundary(() => DomainRef.ByName(name)));
    }

    /// <inheritdoc cref="ISnapshotEngine.Domain(Guid)" />
    public SnapshotDomain Domain(Guid uuid)
    {
        ThrowIfDisposed();
        return new SnapshotDomain(this, DomainRef.ByUuid(uuid));
    }

    /// <inheritdoc cref="ISnapshotEngine.Domain(int)" />
    public SnapshotDomain Domain(int id)
    {
        ThrowIfDisposed();
        return new SnapshotDomain(this, Boundary(() => DomainRef.ById(id)));
    }

    /// <inheritdoc cref="ISnapshotEngine.DomainFromOperand(string)" />
    public SnapshotDomain DomainFromOperand(string nameIdOrUuid)
    {
        ThrowIfDisposed();
        return new SnapshotDomain(this, Boundary(() => DomainRef.ByOperand(nameIdOrUuid)));
    }

    ISnapshotDomain ISnapshotEngine.Domain(string name) => Domain(name);

    ISnapshotDomain ISnapshotEngine.Domain(Guid uuid) => Domain(uuid);

    ISnapshotDomain ISnapshotEngine.Domain(int id) => Domain(id);

    ISnapshotDomain ISnapshotEngine.DomainFromOperand(string nameIdOrUuid) => DomainFromOperand(nameIdOrUuid);

    /// <inheritdoc />
    public IAsyncEnumerable<LifecycleEvent> WatchEventsAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        return Boundary(() => Watch(null, cancellationToken));
    }

    /// <inheritdoc />
    public IDisposable Subscribe(Action<LifecycleEvent> handler)
    {
        ThrowIfDisposed();
        return Boundary(() => Subscribe(null, handler));
    }

    /// <summary>The snapshot XML that <paramref name="options"/> describe (what <c>--print-xml</c> shows); no connection needed.</summary>
    /// <param name="options">The request.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="SnapshotException">The options break a rule (<see cref="SnapshotErrorKind.BadInput"/>).</exception>
    public static string BuildXml(SnapshotCreateOptions options) => Boundary(() => BuildXmlCore(options));

    /// <summary>Closes the connection if the engine opened it. Later calls throw <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        if (_ownsConnection)
            Connection.Dispose();
    }

    internal void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);

    /// <summary>Runs an engine call at the boundary: every failure leaves as a <see cref="SnapshotException"/> (see <see cref="ErrorClassifier"/>).</summary>
    internal static T Boundary<T>(Func<T> body)
    {
        try
        {
            return body();
        }
        catch (Exception e) when (!ErrorClassifier.PassesThrough(e))
        {
            throw ErrorClassifier.AtBoundary(e);
        }
    }

    /// <summary>The asynchronous <see cref="Boundary{T}(Func{T})"/>.</summary>
    internal static async Task<T> BoundaryAsync<T>(Func<Task<T>> body)
    {
        try
        {
            return await body().ConfigureAwait(false);
        }
        catch (Exception e) when (!ErrorClassifier.PassesThrough(e))
        {
            throw ErrorClassifier.AtBoundary(e);
        }
    }

    /// <summary>
    /// The domain named by <paramref name="domain"/> as virsh's "domain name, id or uuid" finds it, in
    /// virsh's order: as an ID when it reads as a non-negative int (C's strtol: leading blanks and a sign
    /// allowed, nothing after), then as a UUID when it is 36 bytes long (libvirt parses it), then as a
    /// name. A domain may be named "1" or like a UUID, so each miss falls through to the next try.
    /// </summary>
    /// <exception cref="DomainNotFoundException">No try found it; the message is virsh's <c>failed to get domain 'X'</c>.</exception>
    /// <remarks>The other kinds of <see cref="DomainRef"/> look up exactly what they name.</remarks>
    internal LibvirtDomain Domain(DomainRef domain)
    {
        switch (domain.Kind)
        {
            case DomainRefKind.Name:
                return Connection.LookupDomain(domain.Text);
            case DomainRefKind.Uuid:
                return Connection.LookupDomain(Guid.Parse(domain.Text));
            case DomainRefKind.Id:
                return Connection.LookupDomain(int.Parse(domain.Text, CultureInfo.InvariantCulture));
        }
        return DomainByOperand(domain.Text);
    }

    private LibvirtDomain DomainByOperand(string domain)
    {
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

    internal static LibvirtDomainSnapshot Lookup(LibvirtDomain domain, string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return domain.LookupSnapshot(name);
    }

    internal static SnapshotInfo Describe(LibvirtDomainSnapshot snapshot) =>
        SnapshotXmlReader.Parse(snapshot.Domain.Name, snapshot.GetXmlDesc(), snapshot.IsCurrent);
}
