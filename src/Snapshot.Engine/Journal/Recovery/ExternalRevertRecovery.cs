using Snapshot.Interop;

namespace Snapshot.Engine;

/// <summary>
/// An external revert whose process died. Forward once the domain was started from the snapshot (the start step
/// finished, or it runs on this run's overlays, or the snapshot restores to shut off and the definition is in):
/// the snapshot is made current. Back before that: a process this run started is destroyed, the saved definition
/// defined again, this run's overlays that nothing uses deleted, and a domain this run stopped booted again on its
/// previous disks (paused if it was paused; its memory state is lost, as in the in-process rollback).
/// <paramref name="bootAgain"/> false leaves it shut off instead: the keep-current revert's recovery, which reverts again.
/// </summary>
internal sealed class ExternalRevertRecovery(bool bootAgain = true) : IOperationRecovery
{
    public string Operation => ExternalRevert.Sequence.Operation;

    public async Task<RecoveryOutcome> RecoverAsync(RecoveryContext r, CancellationToken cancellationToken)
    {
        var record = r.Record;
        var saved = record.Fact(JournalFacts.DomainSaved);
        var target = record.Fact(JournalFacts.SnapshotTarget);
        var overlays = r.Created(JournalFacts.OverlayRole).Select(f => f["path"]!).ToList();
        var started = record.Finished("start")
            || (record.Started("start") && (target?["state"] == ExternalRevert.StateName(DomainState.Shutoff) || (r.Domain.IsActive && RunsOn(r, overlays))));
        if (started && target?["xml"] is { } xml)
        {
            r.Domain.CreateSnapshot(xml, SnapshotCreateFlags.Redefine | SnapshotCreateFlags.Current).Dispose();
            r.Done.Add($"the snapshot '{target["name"]}' was made current (the domain was started from it)");
            if (record.Started("clean-up") || overlays.Count > 0)
                r.Left.Add("files of an earlier revert that no snapshot needs were not looked for: snapshot-delete removes a snapshot's files");
            return RecoveryOutcome.RolledForward;
        }

        var before = saved?["state"];
        var wasUp = before == ExternalRevert.StateName(DomainState.Running) || before == ExternalRevert.StateName(DomainState.Paused);
        var stopped = record.Fact(JournalFacts.DomainStopped) is not null || (record.Started("stop") && wasUp);
        if (stopped && r.Domain.IsActive && (record.Started("start") || RunsOn(r, overlays)))
        {
            await Task.Run(() => r.Domain.Destroy(), CancellationToken.None).ConfigureAwait(false);
            r.Done.Add("the domain started from the snapshot was stopped");
        }
        if (record.Started("define") && saved?["xml"] is { } definition)
        {
            r.Engine.Connection.DefineDomain(definition).Dispose();
            r.Done.Add("it is defined again on its previous disks");
        }
        var referenced = r.ReferencedFiles();
        foreach (var overlay in overlays)
            r.DeleteIfUnreferenced(overlay, $"the new overlay '{overlay}'", referenced);
        if (bootAgain && stopped && !r.Domain.IsActive)
        {
            var paused = before == ExternalRevert.StateName(DomainState.Paused);
            await Task.Run(() => r.Domain.Create(paused ? DomainCreateFlags.StartPaused : DomainCreateFlags.None), CancellationToken.None).ConfigureAwait(false);
            r.Done.Add("booted afresh on its previous disks (the memory state it had is lost)");
        }
        return RecoveryOutcome.RolledBack;
    }

    private static bool RunsOn(RecoveryContext r, List<string> overlays) =>
        overlays.Count > 0 && overlays.Any(r.ReferencedFilesOfLiveDomain().Contains);
}
