namespace Snapshot.Engine;

/// <summary>What <see cref="ISnapshotDomain.RecoverAsync"/> did with an operation that a dead process left half done.</summary>
public enum RecoveryOutcome
{
    /// <summary>Nothing was interrupted: there was nothing to do.</summary>
    None,

    /// <summary>Put back as it was before the operation (what the operation made and nothing needs is gone).</summary>
    RolledBack,

    /// <summary>Finished: the operation had passed the point where undoing it would lose more than finishing it.</summary>
    RolledForward,
}

/// <summary>An operation whose process died before it ended, as its journal tells it.</summary>
/// <param name="Domain">The domain's name.</param>
/// <param name="Operation">The operation's stable name: <c>instant-create</c>, <c>external-revert</c>, <c>delete</c>, ...</param>
/// <param name="ProcessId">The process that ran it.</param>
/// <param name="StartedAt">When it started.</param>
/// <param name="LastStep">The last step it started, and whether it finished it ("write-memory", "write-memory (finished)"); null before any.</param>
/// <param name="JournalPath">The journal file.</param>
public sealed record InterruptedOperation(string Domain, string Operation, int ProcessId, DateTimeOffset StartedAt, string? LastStep, string JournalPath);

/// <summary>The result of a recovery: what it decided, for which operation, what it did and what it left as it is.</summary>
/// <param name="Outcome">Rolled back, rolled forward, or nothing to do.</param>
/// <param name="Interrupted">The operation recovered; null with <see cref="RecoveryOutcome.None"/>.</param>
/// <param name="Done">What recovery did, in words ("the guest was resumed").</param>
/// <param name="Left">What it left as it is, and why ("the disks run on the overlay X: a valid chain").</param>
public sealed record RecoveryResult(RecoveryOutcome Outcome, InterruptedOperation? Interrupted, IReadOnlyList<string> Done, IReadOnlyList<string> Left)
{
    internal static RecoveryResult Nothing { get; } = new(RecoveryOutcome.None, null, [], []);
}
