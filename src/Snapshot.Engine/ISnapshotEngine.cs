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

    /// <summary>
    /// Takes an instant snapshot of every domain of <paramref name="options"/> at one instant: every member is paused
    /// inside one window, so that all are paused at one moment (a consistent cut), and each is resumed as soon as its
    /// own point is safe. Each member's snapshot is a normal external snapshot named after the group; the group is
    /// recorded on the host, where every later engine on this connection finds it. Every member is checked before any
    /// is touched; a failure of any member rolls back every member.
    /// </summary>
    /// <param name="options">The group's name, its domains and where their files go.</param>
    /// <param name="cancellationToken">Cancels up to the pause and during the memory writes; every member is rolled back.</param>
    /// <returns>The group as recorded: each member's pause and the window's spread.</returns>
    /// <exception cref="SnapshotException">A member was refused (nothing changed) or failed (every member rolled back, said in the message); <see cref="SnapshotErrorKind.AlreadyExists"/>: the group exists.</exception>
    /// <exception cref="OperationCanceledException">Cancelled; every member rolled back.</exception>
    Task<SnapshotGroupInfo> CreateGroupAsync(SnapshotGroupCreateOptions options, CancellationToken cancellationToken = default);

    /// <summary>The group snapshots recorded on this host for this connection, by name.</summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <exception cref="SnapshotException">A record cannot be read.</exception>
    Task<IReadOnlyList<SnapshotGroupInfo>> ListGroupsAsync(CancellationToken cancellationToken = default);

    /// <summary>One group snapshot's record.</summary>
    /// <param name="name">The group's name.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <exception cref="SnapshotException"><see cref="SnapshotErrorKind.NotFound"/>: no such group on this connection.</exception>
    Task<SnapshotGroupInfo> GetGroupAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>
    /// Reverts every member to the group's snapshot: every member checked first, then each reverted paused, then all
    /// resumed in one short window (unless <paramref name="target"/> is <see cref="RevertTarget.Paused"/>).
    /// </summary>
    /// <param name="name">The group's name.</param>
    /// <param name="target">Running (the default, as the members were taken) or left paused.</param>
    /// <param name="cancellationToken">Cancels before the first member is reverted.</param>
    /// <exception cref="SnapshotException">A member was refused (nothing changed) or failed (the message names the members reverted).</exception>
    Task<SnapshotGroupRevertResult> RevertGroupAsync(string name, RevertTarget target = RevertTarget.AsSnapshot, CancellationToken cancellationToken = default);

    /// <summary>Deletes each member's snapshot of the group (its files too, as a snapshot delete does), then the group's record.</summary>
    /// <param name="name">The group's name.</param>
    /// <param name="cancellationToken">Stops between members.</param>
    /// <exception cref="SnapshotException"><see cref="SnapshotErrorKind.NotFound"/>: no such group; else a member's delete failed (the record keeps the members left).</exception>
    Task DeleteGroupAsync(string name, CancellationToken cancellationToken = default);
}
