namespace Snapshot.Engine;

/// <summary>
/// What <see cref="SnapshotEngine"/> offers, as an interface so that code using the engine can be tested with a
/// fake (the engine itself needs libvirt). Every call's failure is a <see cref="SnapshotException"/>; cancellation
/// is <see cref="OperationCanceledException"/>; a call on a disposed engine throws <see cref="ObjectDisposedException"/>.
/// </summary>
public interface ISnapshotEngine : IDisposable
{
    /// <summary>The library, daemon and hypervisor versions, as <c>virsh version</c> reports them.</summary>
    /// <exception cref="SnapshotException">libvirt failed to answer.</exception>
    /// <exception cref="ObjectDisposedException">The engine was disposed.</exception>
    HostVersions GetVersions();

    /// <summary>The names of every domain on the connection, active or not, in ordinal order (virsh's <c>list --all --name</c>, sorted).</summary>
    /// <param name="cancellationToken">Stops waiting for libvirt's answer.</param>
    /// <exception cref="SnapshotException">libvirt failed to answer.</exception>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    /// <exception cref="ObjectDisposedException">The engine was disposed.</exception>
    Task<IReadOnlyList<string>> ListDomainNamesAsync(CancellationToken cancellationToken = default);

    /// <summary>The domain named exactly <paramref name="name"/>. Nothing is looked up until a call on it.</summary>
    /// <param name="name">The domain's name.</param>
    /// <exception cref="SnapshotException"><paramref name="name"/> is empty (<see cref="SnapshotErrorKind.BadInput"/>).</exception>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is null.</exception>
    /// <exception cref="ObjectDisposedException">The engine was disposed.</exception>
    ISnapshotDomain Domain(string name);

    /// <summary>The domain with this UUID. Nothing is looked up until a call on it.</summary>
    /// <param name="uuid">The domain's UUID.</param>
    /// <exception cref="ObjectDisposedException">The engine was disposed.</exception>
    ISnapshotDomain Domain(Guid uuid);

    /// <summary>The running domain with this ID. Nothing is looked up until a call on it.</summary>
    /// <param name="id">The domain's ID (running domains only have one).</param>
    /// <exception cref="SnapshotException"><paramref name="id"/> is negative (<see cref="SnapshotErrorKind.BadInput"/>).</exception>
    /// <exception cref="ObjectDisposedException">The engine was disposed.</exception>
    ISnapshotDomain Domain(int id);

    /// <summary>
    /// The domain that virsh's "domain name, id or uuid" operand names, found in virsh's order at each call: as an ID
    /// when it reads as a non-negative number, then as a UUID, then as a name. For a command line that takes virsh's
    /// operands; code that knows what it holds should use <see cref="Domain(string)"/>, <see cref="Domain(Guid)"/> or
    /// <see cref="Domain(int)"/>.
    /// </summary>
    /// <param name="nameIdOrUuid">The operand.</param>
    /// <exception cref="SnapshotException"><paramref name="nameIdOrUuid"/> is empty (<see cref="SnapshotErrorKind.BadInput"/>).</exception>
    /// <exception cref="ArgumentNullException"><paramref name="nameIdOrUuid"/> is null.</exception>
    /// <exception cref="ObjectDisposedException">The engine was disposed.</exception>
    ISnapshotDomain DomainFromOperand(string nameIdOrUuid);

    /// <summary>
    /// The lifecycle events of every domain, registered when this is called (not when reading starts), until
    /// <paramref name="cancellationToken"/> is cancelled or the enumeration ends. See <see cref="ISnapshotDomain.WatchEventsAsync"/>.
    /// </summary>
    /// <param name="cancellationToken">Ends the stream (reading it then throws <see cref="OperationCanceledException"/>).</param>
    /// <exception cref="SnapshotException">libvirt refused the registration.</exception>
    /// <exception cref="ObjectDisposedException">The engine was disposed.</exception>
    IAsyncEnumerable<LifecycleEvent> WatchEventsAsync(CancellationToken cancellationToken = default);

    /// <summary>Calls <paramref name="handler"/> for each lifecycle event of every domain until the result is disposed. See <see cref="ISnapshotDomain.Subscribe"/>.</summary>
    /// <param name="handler">Called on libvirt's event-loop thread (or a reverting call's thread); what it throws is logged and dropped.</param>
    /// <exception cref="ArgumentNullException"><paramref name="handler"/> is null.</exception>
    /// <exception cref="SnapshotException">libvirt refused the registration.</exception>
    /// <exception cref="ObjectDisposedException">The engine was disposed.</exception>
    IDisposable Subscribe(Action<LifecycleEvent> handler);
}
