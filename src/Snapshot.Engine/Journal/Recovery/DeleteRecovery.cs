namespace Snapshot.Engine;

/// <summary>
/// A delete whose process died. Nothing deleted can be undone, so it is rolled forward: a block job a merge left in
/// QEMU (running, or ready to pivot) is aborted, which leaves the disk on its layer with every layer whole; then for
/// each snapshot the journal says was deleted whose last step had not finished, the delete's last steps run again
/// (its memory file, its overlays, the merges of the layers it freed: each acts on what is there, so a commit or
/// rebase cut short is redone from the start). The snapshots not reached are kept.
/// </summary>
internal sealed class DeleteRecovery : IOperationRecovery
{
    public string Operation => SnapshotDelete.Sequence.Operation;

    public async Task<RecoveryOutcome> RecoverAsync(RecoveryContext r, CancellationToken cancellationToken)
    {
        if (r.Domain.IsActive)
        {
            foreach (var disk in r.Record.FactsOf(JournalFacts.MergeStarted).Where(f => f["block-job"] is not null).Select(f => f["disk"]!).Distinct())
                if (await BlockJobs.AbortAsync(r.Domain, disk).ConfigureAwait(false))
                    r.Done.Add($"the block job a merge left on disk {disk} was aborted");
        }
        var run = new OperationRun(SnapshotDelete.Sequence, NoStepHook.Instance, r.Engine.Logger, r.Domain.Name);
        var delete = new SnapshotDelete(r.Engine);
        foreach (var deleted in r.Record.FactsOf(JournalFacts.SnapshotDeleted))
        {
            var name = deleted["name"]!;
            r.Done.Add($"the snapshot '{name}' had been deleted");
            if (r.Record.Steps.Any(s => s.Step == "merge-layers" && s.Subject == name && s.Done))
                continue;
            if (deleted["xml"] is not { } xml)
            {
                if (deleted["memory"] is { } memory && r.Engine.Files.Exists(memory))
                    r.Left.Add($"its memory file {memory} is kept (snapshot-delete did not finish: remove it once nothing needs it)");
                continue;
            }
            var info = SnapshotXmlReader.Parse(r.Domain.Name, xml, isCurrent: false);
            var bytes = await delete.FinishAsync(run, r.Domain, info, deleted["merges"] is not null ? xml : null, RevertCleanup.FilesOf(xml), cancellationToken)
                .ConfigureAwait(false);
            r.Done.Add($"its memory file, overlays and freed layers were cleaned up ({bytes} bytes merged)");
        }
        return RecoveryOutcome.RolledForward;
    }
}
