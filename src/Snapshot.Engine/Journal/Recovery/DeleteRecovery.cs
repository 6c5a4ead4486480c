namespace Snapshot.Engine;

/// <summary>
/// A delete whose process died. Nothing deleted can be undone, so it is rolled forward as far as it got: the
/// snapshots the journal says were deleted are gone; the ones not reached are kept, and a deleted snapshot's
/// memory file or overlays not yet removed are left for the operator (named).
/// </summary>
internal sealed class DeleteRecovery : IOperationRecovery
{
    public string Operation => SnapshotDelete.Sequence.Operation;

    public Task<RecoveryOutcome> RecoverAsync(RecoveryContext r, CancellationToken cancellationToken)
    {
        foreach (var deleted in r.Record.FactsOf(JournalFacts.SnapshotDeleted))
        {
            r.Done.Add($"the snapshot '{deleted["name"]}' had been deleted");
            var finished = r.Record.Steps.Any(s => s.Step == "remove-overlays" && s.Subject == deleted["name"] && s.Done);
            if (!finished && deleted["memory"] is { } memory && r.Engine.Files.Exists(memory))
                r.Left.Add($"its memory file {memory} is kept (snapshot-delete did not finish: remove it once nothing needs it)");
        }
        return Task.FromResult(RecoveryOutcome.RolledForward);
    }
}
