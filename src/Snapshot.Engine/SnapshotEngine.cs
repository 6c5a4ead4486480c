using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Snapshot.Interop;

namespace Snapshot.Engine;

/// <summary>
/// The snapshot engine: create (classic and instant), list, inspect, delete and revert snapshots of
/// libvirt domains over one connection. Safe to use from several threads.
/// </summary>
public sealed class SnapshotEngine : IDisposable
{
    private readonly EngineContext _context;
    private readonly SnapshotReader _reader;
    private readonly bool _ownsConnection;

    /// <summary>Uses an open connection; the caller keeps owning it.</summary>
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
        _context = new EngineContext(connection, loggerFactory ?? NullLoggerFactory.Instance, seams);
        _reader = new SnapshotReader(_context);
    }

    /// <summary>Opens a connection to <paramref name="uri"/> (null: libvirt's default, as virsh) and owns it.</summary>
    public static SnapshotEngine Connect(string? uri, ILoggerFactory? loggerFactory = null, bool readOnly = false)
    {
        var connection = LibvirtConnection.Open(uri, readOnly ? ConnectFlags.ReadOnly : ConnectFlags.None);
        return new SnapshotEngine(connection, loggerFactory, ownsConnection: true, EngineSeams.Default);
    }

    /// <summary>The libvirt connection the engine works on.</summary>
    public LibvirtConnection Connection { get; }

    /// <summary>
    /// Raised the moment an instant snapshot's point is taken, long before its memory write ends.
    /// Raised on the creating task's thread; keep handlers short.
    /// </summary>
    public event EventHandler<SnapshotPoint>? SnapshotPointTaken;

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

    /// <summary>The snapshot XML that <paramref name="options"/> describe (what <c>--print-xml</c> shows).</summary>
    public static string BuildXml(SnapshotCreateOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        CreateRules.CheckRequest(options.Modifiers, options.Memory, options.Disks);
        return SnapshotXmlWriter.Build(options);
    }

    /// <summary>Parses virsh's <c>--memspec</c> syntax (<c>[file=]PATH[,snapshot=MODE]</c>).</summary>
    public static MemorySpec ParseMemorySpec(string text) => SpecSyntax.ParseMemory(text);

    /// <summary>Parses virsh's <c>--diskspec</c> syntax (<c>DISK[,snapshot=MODE][,driver=TYPE][,stype=TYPE][,file=PATH]</c>).</summary>
    public static DiskSpec ParseDiskSpec(string text) => SpecSyntax.ParseDisk(text);

    /// <summary>Creates a snapshot from typed options (snapshot-create-as).</summary>
    public Task<SnapshotInfo> CreateAsync(string domain, SnapshotCreateOptions options,
        IProgress<SnapshotProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        CreateRules.CheckRequest(options.Modifiers, options.Memory, options.Disks);
        if (options.Modifiers.Instant)
            return CreateInstantAsync(domain, options, progress, cancellationToken);
        return new ClassicCreate(_context).RunAsync(domain, SnapshotXmlWriter.Build(options), options.Modifiers, progress, cancellationToken);
    }

    /// <summary>Creates a snapshot from a full &lt;domainsnapshot&gt; XML (snapshot-create).</summary>
    public Task<SnapshotInfo> CreateFromXmlAsync(string domain, string snapshotXml, SnapshotCreateModifiers modifiers,
        IProgress<SnapshotProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(snapshotXml);
        ArgumentNullException.ThrowIfNull(modifiers);
        var request = CreateRequest.Parse(snapshotXml, modifiers);
        CreateRules.CheckRequest(modifiers, request.Memory, request.Disks);
        if (modifiers.Instant)
            return CreateInstantAsync(domain, request, progress, cancellationToken);
        return new ClassicCreate(_context).RunAsync(domain, snapshotXml, modifiers, progress, cancellationToken);
    }

    private async Task<SnapshotInfo> CreateInstantAsync(string domain, SnapshotCreateOptions options,
        IProgress<SnapshotProgress>? progress, CancellationToken cancellationToken)
    {
        var requestedAt = DateTimeOffset.UtcNow;
        cancellationToken.ThrowIfCancellationRequested();
        using var dom = _context.Resolve(domain);
        CreateRules.CheckState(options.Modifiers, dom.IsActive);
        var run = new InstantSnapshot(_context, dom, options, requestedAt, point => SnapshotPointTaken?.Invoke(this, point));
        return await run.RunAsync(progress, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Lists a domain's snapshots that pass <paramref name="filter"/>, in libvirt's order (parents first with Topological).</summary>
    public IReadOnlyList<SnapshotInfo> List(string domain, SnapshotListFilter filter) => _reader.List(domain, filter);

    /// <summary>
    /// The names and parents of the snapshots <see cref="List"/> would return, in the same order: what a tree needs,
    /// at one light call per snapshot (its parent) instead of its whole XML description.
    /// </summary>
    public IReadOnlyList<SnapshotLink> ListLinks(string domain, SnapshotListFilter filter) => _reader.ListLinks(domain, filter);

    /// <summary>A snapshot with the counts <c>snapshot-info</c> shows.</summary>
    public SnapshotDetails GetInfo(string domain, string name) => _reader.GetInfo(domain, name);

    /// <summary>One snapshot.</summary>
    public SnapshotInfo Get(string domain, string name) => _reader.Get(domain, name);

    /// <summary>The current snapshot, or null when the domain has none.</summary>
    public SnapshotInfo? GetCurrent(string domain) => _reader.GetCurrent(domain);

    /// <summary>Makes <paramref name="name"/> the current snapshot without reverting to it.</summary>
    public SnapshotInfo SetCurrent(string domain, string name) => _reader.SetCurrent(domain, name);

    /// <summary>The parent, or null for a root.</summary>
    public SnapshotInfo? GetParent(string domain, string name) => _reader.GetParent(domain, name);

    /// <summary>The snapshot's XML, as libvirt describes it.</summary>
    public string GetXml(string domain, string name, bool securityInfo = false) => _reader.GetXml(domain, name, securityInfo);

    /// <summary>The current snapshot's XML, or null when there is none.</summary>
    public string? GetCurrentXml(string domain, bool securityInfo = false) => _reader.GetCurrentXml(domain, securityInfo);

    /// <summary>
    /// Deletes a snapshot, its children, or only its children, with their memory files.
    /// libvirt 9.0 merges one external snapshot at a time but refuses the children modes when any of
    /// them is external; the engine then deletes the descendants itself, leaves first, each step
    /// validated by libvirt before it changes anything. A failure names what was deleted and what is left.
    /// </summary>
    public Task DeleteAsync(string domain, string name, SnapshotDeleteOptions options, CancellationToken cancellationToken = default) =>
        new SnapshotDelete(_context).RunAsync(domain, name, options, cancellationToken);

    /// <summary>
    /// Reverts a domain to a snapshot (null: the current one). Internal snapshots go through libvirt;
    /// external ones, which libvirt 9.0 refuses, through the engine's own sequence.
    /// </summary>
    public Task<SnapshotInfo> RevertAsync(string domain, string? name, SnapshotRevertOptions options, CancellationToken cancellationToken = default) =>
        new SnapshotRevert(_context).RunAsync(domain, name, options, cancellationToken);

    /// <summary>
    /// The lifecycle events of one domain (or of all, for null) until cancelled. While the engine
    /// reverts to an external snapshot, the raw events of its own steps (stop, define, restore) are
    /// replaced by the transition libvirt reports for a revert, with FROM_SNAPSHOT details.
    /// </summary>
    public async IAsyncEnumerable<DomainLifecycleEvent> WatchEventsAsync(string? domain,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var channel = Channel.CreateUnbounded<DomainLifecycleEvent>(new UnboundedChannelOptions { SingleReader = true });
        using (Subscribe(domain, e => channel.Writer.TryWrite(e)))
        {
            await foreach (var e in channel.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
                yield return e;
        }
    }

    /// <summary>Calls <paramref name="handler"/> for each lifecycle event of one domain (or all) until disposed.</summary>
    public IDisposable Subscribe(string? domain, Action<DomainLifecycleEvent> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        using var dom = domain is null ? null : _context.Resolve(domain);
        return _context.Events.Attach(Connection, dom, dom?.Uuid, handler);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsConnection)
            Connection.Dispose();
    }
}
