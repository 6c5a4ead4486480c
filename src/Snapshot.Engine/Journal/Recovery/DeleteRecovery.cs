namespace Snapshot.Engine;

/// <summary>
/// A delete whose process died. Nothing deleted can be undone, so it is rolled forward: a block job a merge left in
/// QEMU (running, or ready to pivot) is aborted, which leaves the disk on its layer with every layer whole, and a
/// qemu-img commit or rebase still running on the merge's images is stopped (<see cref="ImageToolProcesses"/>); a merge
/// whose data had moved before the kill is completed (<see cref="LayerMerger.CompleteMovedAsync"/>); then for
/// each snapshot the journal says was deleted whose last step had not finished, the delete's last steps run again
/// (its memory file, its overlays, the merges of the layers it freed: each acts on what is there, so a commit or
/// rebase cut short is redone from the start). The snapshots not reached are kept.
/// </summary>
internal sealed class DeleteRecovery : IOperationRecovery
{
    public string Operation => SnapshotDelete.Sequence.Operation;

    public async Task<RecoveryOutcome> RecoverAsync(RecoveryContext r, CancellationToken cancellationToken)
    {
        var merges = r.Record.FactsOf(JournalFacts.MergeStarted).ToList();
        if (r.Domain.IsActive)
        {
            foreach (var disk in merges.Where(f => f["block-job"] is not null).Select(f => f["disk"]!).Distinct())
                if (await BlockJobs.AbortAsync(r.Domain, disk).ConfigureAwait(false))
                    r.Done.Add($"the block job a merge left on disk {disk} was aborted");
        }
        var images = merges.Where(f => f["block-job"] is null).SelectMany(f => new[] { f["removed"], f["kept"] }).OfType<string>().ToList();
        foreach (var pid in await ImageToolProcesses.StopAsync(images, cancellationToken).ConfigureAwait(false))
            r.Done.Add($"the qemu-img a merge left running (pid {pid}) was stopped; its merge is redone");
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
            if (deleted["merges"] is not null
                && await new LayerMerger(r.Engine).CompleteMovedAsync(run, r.Domain, RevertCleanup.FilesOf(xml), name, merges, cancellationToken).ConfigureAwait(false) is > 0 and var n)
                r.Done.Add($"{n} merge(s) whose data had moved before the kill were completed (names moved, the merged-away layer removed)");
            var bytes = await delete.FinishAsync(run, r.Domain, info, deleted["merges"] is not null ? xml : null, RevertCleanup.FilesOf(xml), cancellationToken)
                .ConfigureAwait(false);
            r.Done.Add($"its memory file, overlays and freed layers were cleaned up ({bytes} bytes merged)");
        }
        return RecoveryOutcome.RolledForward;
    }
}
