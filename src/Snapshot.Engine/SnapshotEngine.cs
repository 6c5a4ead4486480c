using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Snapshot.Interop;

namespace Snapshot.Engine;

/// <summary>
/// The snapshot engine over one libvirt connection: <see cref="Domain(string)"/> gives a domain's handle, whose
/// calls create (classic and instant), list, inspect, revert and delete its snapshots. Safe to use from several
/// threads. Every failure of a call is a <see cref="SnapshotException"/> (cancellation aside:
/// <see cref="OperationCanceledException"/>). <see cref="ISnapshotEngine"/> is the seam to fake it in tests.
/// </summary>
public sealed class SnapshotEngine : ISnapshotEngine
{
    private readonly bool _ownsConnection;
    private volatile bool _disposed;

    /// <summary>Uses an open connection; the caller keeps owning it (the engine never closes it).</summary>
    /// <param name="connection">An open libvirt connection (the binding's <c>LibvirtConnection.Open</c>).</param>
    /// <param name="loggerFactory">Where the engine logs its steps; null: nowhere.</param>
    /// <exception cref="ArgumentNullException"><paramref name="connection"/> is null.</exception>
    public SnapshotEngine(LibvirtConnection connection, ILoggerFactory? loggerFactory = null)
        : this(connection, loggerFactory, ownsConnection: false, EngineSeams.Default)
    {
    }

    /// <summary>With the seams of <paramref name="seams"/>: a test's fault hook and fake QEMU.</summary>
    internal SnapshotEngine(LibvirtConnection connection, ILoggerFactory? loggerFactory, bool ownsConnection, EngineSeams seams)
    {
        ArgumentNullException.ThrowIfNull(connection);
        Connection = connection;
        _ownsConnection = ownsConnection;
        Context = new EngineContext(connection, loggerFactory ?? NullLoggerFactory.Instance, seams);
        Reader = new SnapshotReader(Context);
        Events = new EventSubscriptions(Context);
    }

    /// <summary>Opens a connection and owns it: disposing the engine closes it.</summary>
    /// <param name="uri">libvirt's URI, e.g. <c>qemu:///system</c>; null: libvirt's default (LIBVIRT_DEFAULT_URI, then its own choice), as virsh.</param>
    /// <param name="loggerFactory">Where the engine logs its steps; null: nowhere.</param>
    /// <param name="readOnly">Open a read-only connection: reads work, changes fail with <see cref="SnapshotErrorKind.AccessDenied"/>.</param>
    /// <exception cref="SnapshotException">The connection failed (<see cref="SnapshotErrorKind.AccessDenied"/> when authentication did).</exception>
    public static SnapshotEngine Connect(string? uri = null, ILoggerFactory? loggerFactory = null, bool readOnly = false) =>
        EngineBoundary.Run(() => new SnapshotEngine(LibvirtConnection.Open(uri, readOnly ? ConnectFlags.ReadOnly : ConnectFlags.None),
            loggerFactory, ownsConnection: true, EngineSeams.Default));

    /// <summary>
    /// Starts loading libvirt in the background, for a <see cref="Connect"/> that follows: a process that connects
    /// first thing (the CLI) overlaps the load with its own start. Failures are left to <see cref="Connect"/>.
    /// </summary>
    public static Task LoadLibvirtInBackground() => LibvirtConnection.LoadInBackground();

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

    /// <summary>The connection (internal: no documented use needs the raw binding; a caller who does opens its own).</summary>
    internal LibvirtConnection Connection { get; }

    internal EngineContext Context { get; }

    internal SnapshotReader Reader { get; }

    internal EventSubscriptions Events { get; }

    /// <inheritdoc />
    public HostVersions GetVersions()
    {
        ThrowIfDisposed();
        return EngineBoundary.Run(() =>
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
        });
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> ListDomainNamesAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        return Task.Run(() => EngineBoundary.Run(() =>
        {
            using var domains = OwnedHandles.Of(Connection.ListAllDomains());
            return (IReadOnlyList<string>)domains.Select(d => d.Name).Order(StringComparer.Ordinal).ToList();
        }), cancellationToken);
    }

    /// <inheritdoc cref="ISnapshotEngine.Domain(string)" />
    public SnapshotDomain Domain(string name) => Handle(() => DomainRef.ByName(name));

    /// <inheritdoc cref="ISnapshotEngine.Domain(Guid)" />
    public SnapshotDomain Domain(Guid uuid) => Handle(() => DomainRef.ByUuid(uuid));

    /// <inheritdoc cref="ISnapshotEngine.Domain(int)" />
    public SnapshotDomain Domain(int id) => Handle(() => DomainRef.ById(id));

    /// <inheritdoc cref="ISnapshotEngine.DomainFromOperand(string)" />
    public SnapshotDomain DomainFromOperand(string nameIdOrUuid) => Handle(() => DomainRef.ByOperand(nameIdOrUuid));

    ISnapshotDomain ISnapshotEngine.Domain(string name) => Domain(name);

    ISnapshotDomain ISnapshotEngine.Domain(Guid uuid) => Domain(uuid);

    ISnapshotDomain ISnapshotEngine.Domain(int id) => Domain(id);

    ISnapshotDomain ISnapshotEngine.DomainFromOperand(string nameIdOrUuid) => DomainFromOperand(nameIdOrUuid);

    /// <inheritdoc />
    public IAsyncEnumerable<LifecycleEvent> WatchEventsAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        return EngineBoundary.Run(() => Events.Watch(null, cancellationToken));
    }

    /// <inheritdoc />
    public IDisposable Subscribe(Action<LifecycleEvent> handler)
    {
        ThrowIfDisposed();
        return EngineBoundary.Run(() => Events.Subscribe(null, handler));
    }

    /// <inheritdoc />
    public Task<SnapshotGroupInfo> CreateGroupAsync(SnapshotGroupCreateOptions options, CancellationToken cancellationToken = default) =>
        Group(() => new GroupSnapshot(Context, options).RunAsync(cancellationToken), cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<SnapshotGroupInfo>> ListGroupsAsync(CancellationToken cancellationToken = default) =>
        Group(() => Task.FromResult(Context.Groups().List()), cancellationToken);

    /// <inheritdoc />
    public Task<SnapshotGroupInfo> GetGroupAsync(string name, CancellationToken cancellationToken = default) =>
        Group(() =>
        {
            GroupMembers.CheckName(name);
            return Task.FromResult(Context.Groups().Get(name));
        }, cancellationToken);

    /// <inheritdoc />
    public Task<SnapshotGroupRevertResult> RevertGroupAsync(string name, RevertTarget target = RevertTarget.AsSnapshot, CancellationToken cancellationToken = default) =>
        Group(() => new GroupRevert(Context, name, target).RunAsync(cancellationToken), cancellationToken);

    /// <inheritdoc />
    public Task DeleteGroupAsync(string name, CancellationToken cancellationToken = default) =>
        Group(async () =>
        {
            await new GroupDelete(Context, name).RunAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    /// <summary>The snapshot XML that <paramref name="options"/> describe (what <c>--print-xml</c> shows); no connection needed.</summary>
    /// <param name="options">The request.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="SnapshotException">The options break a rule (<see cref="SnapshotErrorKind.BadInput"/>).</exception>
    public static string BuildXml(SnapshotCreateOptions options) => EngineBoundary.Run(() => SnapshotCreate.BuildXml(options));

    /// <summary>
    /// Raised (on the calling operation's thread) when a changing call first recovered an operation that a dead process
    /// left half done on its domain (<see cref="ISnapshotDomain.RecoverAsync"/>, which it runs on its own). What a handler
    /// throws is logged and dropped.
    /// </summary>
    public event EventHandler<RecoveryResult>? Recovered;

    internal void OnRecovered(RecoveryResult result) => Context.Callbacks.Invoke(r => Recovered?.Invoke(this, r), result, "Recovered handler");

    /// <summary>Closes the connection if the engine opened it. Later calls throw <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        if (_ownsConnection)
            Connection.Dispose();
    }

    /// <summary>Names this type, not the binding's handle, when the engine was disposed.</summary>
    internal void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);

    // libvirt's calls block: a group operation runs off the caller's thread, inside the one error root.
    private Task<T> Group<T>(Func<Task<T>> body, CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        return EngineBoundary.RunAsync(() => Task.Run(body, cancellationToken));
    }

    private SnapshotDomain Handle(Func<DomainRef> domain)
    {
        ThrowIfDisposed();
        return new SnapshotDomain(this, EngineBoundary.Run(domain));
    }
}
