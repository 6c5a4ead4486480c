using Snapshot.Interop;

namespace Snapshot.Engine;

/// <summary>
/// Finds and recovers a domain's interrupted operation: the journal a dead process left. Recovery runs under the
/// domain's operation lock (so a journal it finds cannot belong to a live operation: the lock decides) and picks
/// the operation's <see cref="IOperationRecovery"/> by the journal's operation name. The journal goes only once
/// recovery has finished; a recovery that fails keeps it, to be run again.
/// </summary>
internal static class JournalRecovery
{
    /// <summary>Every operation's recovery, by its operation name: one line per operation that journals.</summary>
    private static readonly Dictionary<string, IOperationRecovery> All = new IOperationRecovery[]
    {
        new InstantCreateRecovery(),
        new ExternalRevertRecovery(),
        new DeleteRecovery(),
        new KeepCurrentRevertRecovery(),
    }.ToDictionary(r => r.Operation, StringComparer.Ordinal);

    /// <summary>
    /// The interrupted operation on <paramref name="dom"/>, or null. Without the lock (a read), a journal whose
    /// process still lives is an operation that runs, not an interrupted one.
    /// </summary>
    public static InterruptedOperation? Interrupted(EngineContext context, LibvirtDomain dom, bool lockHeld)
    {
        var key = DomainLock.KeyOf(context.Connection.Uri, dom.Uuid);
        var record = context.Journals.Read(key);
        if (record is null || (!lockHeld && Directory.Exists($"/proc/{record.Pid}")))
            return null;
        return Describe(record, context.Journals.PathOf(key));
    }

    /// <summary>
    /// Recovers the interrupted operation on <paramref name="dom"/>, if there is one. The caller holds the domain's lock,
    /// and those of <paramref name="alsoHeld"/> (the other members of a group operation).
    /// </summary>
    /// <exception cref="SnapshotException">No recovery for that operation, or recovering failed: the journal is kept.</exception>
    public static async Task<RecoveryResult> RecoverAsync(EngineContext context, LibvirtDomain dom, CancellationToken cancellationToken, IReadOnlyCollection<Guid>? alsoHeld = null)
    {
        var key = DomainLock.KeyOf(context.Connection.Uri, dom.Uuid);
        var record = context.Journals.Read(key);
        if (record is null)
            return RecoveryResult.Nothing;
        var path = context.Journals.PathOf(key);
        var interrupted = Describe(record, path);
        var what = $"the interrupted {record.Operation} of domain '{dom.Name}' (pid {record.Pid}, since {record.StartedAt:yyyy-MM-dd HH:mm:ss} UTC)";
        if (!All.TryGetValue(record.Operation, out var recovery))
            throw new SnapshotException(SnapshotErrorKind.NotSupported, $"{what} has no recovery in this virt-snap; its journal is kept at {path}");
        var recoveryContext = new RecoveryContext(context, dom, record, new OperationJournal(context.Journals, key, record)) { HeldLocks = alsoHeld ?? [] };
        RecoveryOutcome outcome;
        try
        {
            outcome = await recovery.RecoverAsync(recoveryContext, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            var done = recoveryContext.Done.Count > 0 ? $"; done so far: {string.Join("; ", recoveryContext.Done)}" : "";
            // Busy: another member of its group is locked by a live operation; run again, it will be free.
            throw new SnapshotException(ErrorClassifier.Classify(e) is SnapshotErrorKind.NotSupported or SnapshotErrorKind.Busy ? ErrorClassifier.Classify(e) : SnapshotErrorKind.Failed,
                $"recovering {what} failed: {e.Message}{done}; its journal is kept at {path}: run snapshot-recover again", e);
        }
        context.Journals.Delete(key);
        Log.Recovered(context.Logger, record.Operation, dom.Name, outcome, string.Join("; ", recoveryContext.Done), string.Join("; ", recoveryContext.Left));
        return new RecoveryResult(outcome, interrupted, recoveryContext.Done, recoveryContext.Left);
    }

    private static InterruptedOperation Describe(JournalRecord record, string path) =>
        new(record.DomainName, record.Operation, record.Pid, record.StartedAt, record.Last is { } last ? last.Step + (last.Done ? " (finished)" : "") : null, path);
}
