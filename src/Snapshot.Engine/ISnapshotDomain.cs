namespace Snapshot.Engine;

/// <summary>
/// One domain's snapshots (from <see cref="ISnapshotEngine.Domain(string)"/>): the domain is looked up at each call,
/// so a missing one fails the call with <see cref="SnapshotErrorKind.NotFound"/>. Every failure is a
/// <see cref="SnapshotException"/>: <see cref="SnapshotErrorKind.NotFound"/> for a missing domain or snapshot alike,
/// <see cref="SnapshotErrorKind.BadInput"/> for a request that breaks a rule (nothing is changed then),
/// <see cref="SnapshotErrorKind.AccessDenied"/> for a change on a read-only connection, and so on; cancellation is
/// <see cref="OperationCanceledException"/>.
/// </summary>
public interface ISnapshotDomain
{
    /// <summary>The domain's snapshots that pass <paramref name="filter"/>, in libvirt's order (parents first with <see cref="SnapshotListFilter.Topological"/>).</summary>
    /// <param name="filter">snapshot-list's filters; null: every snapshot.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <exception cref="SnapshotException">No such domain (or <see cref="SnapshotListFilter.From"/> snapshot): <see cref="SnapshotErrorKind.NotFound"/>; filters that cannot go together: <see cref="SnapshotErrorKind.BadInput"/>.</exception>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    Task<IReadOnlyList<SnapshotInfo>> ListAsync(SnapshotListFilter? filter = null, CancellationToken cancellationToken = default);

    /// <summary>The names and parents of the snapshots <see cref="ListAsync"/> would return, in the same order: what a tree needs, read more cheaply.</summary>
    /// <param name="filter">snapshot-list's filters; null: every snapshot.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <exception cref="SnapshotException">As <see cref="ListAsync"/>.</exception>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    Task<IReadOnlyList<SnapshotLink>> ListLinksAsync(SnapshotListFilter? filter = null, CancellationToken cancellationToken = default);

    /// <summary>One snapshot.</summary>
    /// <param name="name">The snapshot's name.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <exception cref="SnapshotException">No such domain or snapshot: <see cref="SnapshotErrorKind.NotFound"/>.</exception>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    Task<SnapshotInfo> GetAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>One snapshot, or null when the domain has none of that name (no exception for a missing snapshot).</summary>
    /// <param name="name">The snapshot's name.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <exception cref="SnapshotException">No such domain: <see cref="SnapshotErrorKind.NotFound"/>.</exception>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    Task<SnapshotInfo?> FindAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>A snapshot with what <c>snapshot-info</c> shows beyond its XML: children, descendants, metadata.</summary>
    /// <param name="name">The snapshot's name.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <exception cref="SnapshotException">No such domain or snapshot: <see cref="SnapshotErrorKind.NotFound"/>.</exception>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    Task<SnapshotDetails> GetDetailsAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>The current snapshot, or null when the domain has none.</summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <exception cref="SnapshotException">No such domain: <see cref="SnapshotErrorKind.NotFound"/>.</exception>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    Task<SnapshotInfo?> GetCurrentAsync(CancellationToken cancellationToken = default);

    /// <summary>A snapshot's parent, or null for a root.</summary>
    /// <param name="name">The snapshot's name.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <exception cref="SnapshotException">No such domain or snapshot: <see cref="SnapshotErrorKind.NotFound"/>.</exception>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    Task<SnapshotInfo?> GetParentAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>A snapshot's XML, as libvirt describes it.</summary>
    /// <param name="name">The snapshot's name.</param>
    /// <param name="securityInfo">Include security-sensitive parts (passwords in the domain definition).</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <exception cref="SnapshotException">No such domain or snapshot: <see cref="SnapshotErrorKind.NotFound"/>.</exception>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    Task<string> GetXmlAsync(string name, bool securityInfo = false, CancellationToken cancellationToken = default);

    /// <summary>The current snapshot's XML, or null when there is none.</summary>
    /// <param name="securityInfo">Include security-sensitive parts.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <exception cref="SnapshotException">No such domain: <see cref="SnapshotErrorKind.NotFound"/>.</exception>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    Task<string?> GetCurrentXmlAsync(bool securityInfo = false, CancellationToken cancellationToken = default);

    /// <summary>Makes a snapshot the current one without reverting to it.</summary>
    /// <param name="name">The snapshot's name.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <exception cref="SnapshotException">No such domain or snapshot: <see cref="SnapshotErrorKind.NotFound"/>; a read-only connection: <see cref="SnapshotErrorKind.AccessDenied"/>.</exception>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    Task<SnapshotInfo> SetCurrentAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>
    /// Creates a snapshot from typed options (<c>snapshot-create-as</c>): classic, or instant with
    /// <see cref="SnapshotCreateModifiers.Instant"/>. Rules that cannot hold are refused before the domain is touched.
    /// </summary>
    /// <param name="options">The request; its <see cref="SnapshotCreateOptions.OnSnapshotPoint"/> hears an instant snapshot's point.</param>
    /// <param name="progress">Memory-write progress (every 100 ms for instant snapshots, 250 ms for classic ones with memory).</param>
    /// <param name="cancellationToken">Aborts the job (classic) or stops writing (instant); see the library guide.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="SnapshotException">Refused (<see cref="SnapshotErrorKind.BadInput"/>, <see cref="SnapshotErrorKind.NotSupported"/>, <see cref="SnapshotErrorKind.AlreadyExists"/> for a name taken, <see cref="SnapshotErrorKind.AccessDenied"/>) or failed (<see cref="SnapshotErrorKind.Failed"/>, after undoing what it did; the message says what is left).</exception>
    /// <exception cref="OperationCanceledException">Cancelled; the message says what is left.</exception>
    Task<SnapshotInfo> CreateAsync(SnapshotCreateOptions options, IProgress<SnapshotProgress>? progress = null, CancellationToken cancellationToken = default);

    /// <summary>Creates a snapshot from a full <c>&lt;domainsnapshot&gt;</c> XML (<c>snapshot-create</c>), including <see cref="SnapshotCreateModifiers.Redefine"/>.</summary>
    /// <param name="snapshotXml">The snapshot's XML.</param>
    /// <param name="modifiers">The creation flags; null: none.</param>
    /// <param name="progress">Memory-write progress.</param>
    /// <param name="cancellationToken">As for <see cref="CreateAsync"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="snapshotXml"/> is null.</exception>
    /// <exception cref="SnapshotException">As for <see cref="CreateAsync"/>; bad XML: <see cref="SnapshotErrorKind.BadInput"/>.</exception>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    Task<SnapshotInfo> CreateFromXmlAsync(string snapshotXml, SnapshotCreateModifiers? modifiers = null, IProgress<SnapshotProgress>? progress = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Reverts the domain to a snapshot: internal ones through libvirt, external ones (which libvirt 9.0 refuses)
    /// through the engine's own sequence, rolled back on failure.
    /// </summary>
    /// <param name="name">The snapshot's name.</param>
    /// <param name="options">The target state, Force, DiscardDescendants, ResetNvram; null: the defaults.</param>
    /// <param name="cancellationToken">Checked before the domain is stopped and while overlays are made.</param>
    /// <exception cref="SnapshotException">No such domain or snapshot, or a missing memory file or image: <see cref="SnapshotErrorKind.NotFound"/>; a risky revert without Force: <see cref="SnapshotErrorKind.BadInput"/>; failed and rolled back: <see cref="SnapshotErrorKind.Failed"/>.</exception>
    /// <exception cref="OperationCanceledException">Cancelled (and rolled back).</exception>
    Task<SnapshotInfo> RevertAsync(string name, SnapshotRevertOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Reverts the domain to its current snapshot, as <see cref="RevertAsync"/>.</summary>
    /// <param name="options">As for <see cref="RevertAsync"/>.</param>
    /// <param name="cancellationToken">As for <see cref="RevertAsync"/>.</param>
    /// <exception cref="SnapshotException">No current snapshot: <see cref="SnapshotErrorKind.NotFound"/>; otherwise as <see cref="RevertAsync"/>.</exception>
    /// <exception cref="OperationCanceledException">Cancelled (and rolled back).</exception>
    Task<SnapshotInfo> RevertToCurrentAsync(SnapshotRevertOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Takes a snapshot of the current state (instant with memory when the domain runs, with memory when it is paused,
    /// disk-only when it is shut off), then reverts to an external snapshot, as one operation: the revert's checks run
    /// first, and a revert that fails deletes the kept snapshot again. Reverting to the kept snapshot later brings the
    /// state that was left back.
    /// </summary>
    /// <param name="name">The external snapshot to revert to; null: the current snapshot.</param>
    /// <param name="keptName">The kept snapshot's name; null: <c>pre-revert-&lt;UTC time&gt;</c>, e.g. <c>pre-revert-20261201T123456Z</c>.</param>
    /// <param name="options">As for <see cref="RevertAsync"/>.</param>
    /// <param name="cancellationToken">As for <see cref="RevertAsync"/>.</param>
    /// <returns>The snapshot reverted to and the kept one.</returns>
    /// <exception cref="SnapshotException">As for <see cref="RevertAsync"/>; an internal snapshot: <see cref="SnapshotErrorKind.NotSupported"/>; the kept name taken: <see cref="SnapshotErrorKind.AlreadyExists"/>.</exception>
    /// <exception cref="OperationCanceledException">Cancelled (and rolled back).</exception>
    Task<KeptRevert> RevertKeepingCurrentAsync(string? name, string? keptName = null, SnapshotRevertOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Deletes a snapshot, its children too, or only its children, with the files only they use.</summary>
    /// <param name="name">The snapshot's name.</param>
    /// <param name="options">The mode and MetadataOnly; null: this snapshot, children re-parented.</param>
    /// <param name="cancellationToken">Checked between the snapshots of a children delete.</param>
    /// <exception cref="SnapshotException">No such domain or snapshot: <see cref="SnapshotErrorKind.NotFound"/>; the message of a partial failure says what was deleted and what is left.</exception>
    /// <returns>The snapshots deleted, leaves first, and the bytes the merges of their disk layers copied.</returns>
    /// <exception cref="OperationCanceledException">Cancelled between two snapshots.</exception>
    Task<SnapshotDeleteResult> DeleteAsync(string name, SnapshotDeleteOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Retention: deletes the snapshots beyond the newest <see cref="SnapshotPruneOptions.Keep"/> (by creation time), or
    /// those older than <see cref="SnapshotPruneOptions.OlderThan"/>, oldest first, each as <see cref="DeleteAsync"/>
    /// deletes one snapshot (children re-parented, layers merged); the current snapshot only with
    /// <see cref="SnapshotPruneOptions.IncludeCurrent"/>. With <see cref="SnapshotPruneOptions.DryRun"/> nothing changes.
    /// </summary>
    /// <param name="options">Which snapshots go.</param>
    /// <param name="cancellationToken">Checked between two deletes.</param>
    /// <returns>The snapshots deleted (or that would be), oldest first, and the bytes the deletes merged.</returns>
    /// <exception cref="SnapshotException">Neither or both of Keep and OlderThan, or either out of range: <see cref="SnapshotErrorKind.BadInput"/>;
    /// no such domain: <see cref="SnapshotErrorKind.NotFound"/>; a delete that fails stops the prune, and the message says what was pruned and what was not reached.</exception>
    /// <exception cref="OperationCanceledException">Cancelled between two deletes.</exception>
    Task<SnapshotPruneResult> PruneAsync(SnapshotPruneOptions options, CancellationToken cancellationToken = default);

    /// <summary>Pauses the domain's CPUs (<c>virsh suspend</c>).</summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <exception cref="SnapshotException">No such domain: <see cref="SnapshotErrorKind.NotFound"/>; not running: <see cref="SnapshotErrorKind.Failed"/>.</exception>
    /// <exception cref="OperationCanceledException">Cancelled before the call.</exception>
    Task SuspendAsync(CancellationToken cancellationToken = default);

    /// <summary>Resumes the domain's CPUs (<c>virsh resume</c>).</summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <exception cref="SnapshotException">No such domain: <see cref="SnapshotErrorKind.NotFound"/>; not paused: <see cref="SnapshotErrorKind.Failed"/>.</exception>
    /// <exception cref="OperationCanceledException">Cancelled before the call.</exception>
    Task ResumeAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// The domain's lifecycle events, registered when this is called (events between the call and the first read are
    /// kept), until <paramref name="cancellationToken"/> is cancelled or the enumeration ends. While the engine reverts
    /// the domain to an external snapshot, the raw events of its steps are replaced by those a revert means.
    /// </summary>
    /// <param name="cancellationToken">Ends the stream (reading it then throws <see cref="OperationCanceledException"/>).</param>
    /// <exception cref="SnapshotException">No such domain: <see cref="SnapshotErrorKind.NotFound"/>.</exception>
    IAsyncEnumerable<LifecycleEvent> WatchEventsAsync(CancellationToken cancellationToken = default);

    /// <summary>Calls <paramref name="handler"/> for each of the domain's lifecycle events until the result is disposed.</summary>
    /// <param name="handler">
    /// Runs on libvirt's event-loop thread (one background thread of the binding) for libvirt's events, and on the
    /// reverting call's thread for a revert's events: keep it short. What it throws is logged and dropped; it stops
    /// neither the events nor a revert.
    /// </param>
    /// <exception cref="ArgumentNullException"><paramref name="handler"/> is null.</exception>
    /// <exception cref="SnapshotException">No such domain: <see cref="SnapshotErrorKind.NotFound"/>.</exception>
    IDisposable Subscribe(Action<LifecycleEvent> handler);

    /// <summary>
    /// Recovers the operation a dead process (killed, crashed, the machine down) left half done on this domain, as its
    /// journal tells: finishes it (<see cref="RecoveryOutcome.RolledForward"/>) or puts the domain back
    /// (<see cref="RecoveryOutcome.RolledBack"/>), deleting only what that operation created and nothing uses. Every
    /// changing call does this first on its own; this call does only it. Takes the domain's operation lock.
    /// </summary>
    /// <param name="cancellationToken">Stops waiting (a recovery stopped midway keeps the journal, to be run again).</param>
    /// <returns>What was recovered, or <see cref="RecoveryOutcome.None"/>.</returns>
    /// <exception cref="SnapshotException">Another operation runs (<see cref="SnapshotErrorKind.Busy"/>); the operation has no recovery
    /// (<see cref="SnapshotErrorKind.NotSupported"/>); recovering failed (<see cref="SnapshotErrorKind.Failed"/>; the journal is kept).</exception>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    Task<RecoveryResult> RecoverAsync(CancellationToken cancellationToken = default);

    /// <summary>The operation a dead process left half done on this domain, or null; a read (no lock): one whose process still lives runs, and is not reported.</summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <exception cref="SnapshotException">No such domain: <see cref="SnapshotErrorKind.NotFound"/>; a journal that cannot be read.</exception>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    Task<InterruptedOperation?> GetInterruptedAsync(CancellationToken cancellationToken = default);
}
