using System.Globalization;

namespace Snapshot.Engine;

/// <summary>
/// A keep-current revert whose process died: one operation, both halves or neither. The point of no return is the
/// kept snapshot registered: from then on the state that was left is safe in it, and recovery finishes the revert
/// (the revert half's own recovery when it had started the domain from the target, else that half undone without a
/// fresh boot and the revert run again, journaled into the same record). Before it, the create half is recovered as
/// an instant create is (its own recovery may register the kept snapshot, which then counts as taken); a kept
/// snapshot that does not exist then means neither happened. A revert that fails again in recovery is rolled back
/// by the revert itself, and the kept snapshot deleted, as in the process (neither).
/// </summary>
internal sealed class KeepCurrentRevertRecovery : IOperationRecovery
{
    /// <summary>The fact the keep-current step records before it takes the kept snapshot: its name, the revert's target and options.</summary>
    public const string Kind = "keep-current";

    public string Operation => KeepCurrentRevert.Sequence.Operation;

    public static JournalFact Intent(string kept, string target, SnapshotRevertOptions options, IReadOnlyList<string> overlays) =>
        JournalFact.Of(Kind, "name", kept, "target", target, "revert-target", options.Target.ToString(), "force", Flag(options.Force),
            "reset-nvram", Flag(options.ResetNvram), "discard-descendants", Flag(options.DiscardDescendants), "branch-tip", Flag(options.BranchTip),
            "discard-current", Flag(options.DiscardCurrent), "overlays", string.Join('\n', overlays));

    public async Task<RecoveryOutcome> RecoverAsync(RecoveryContext r, CancellationToken cancellationToken)
    {
        if (r.Record.Fact(GroupRevertRecovery.Member) is { } member)
            return await GroupRevertRecovery.RecoverAsync(r, member, cancellationToken).ConfigureAwait(false);
        if (r.Record.Fact(Kind) is not { } intent || intent["name"] is not { } kept || intent["target"] is not { } target)
            return RecoveryOutcome.RolledBack; // killed before the keep-current step recorded anything: nothing changed
        if (!r.HasSnapshot(kept) && r.Record.Steps.Any(s => s.Operation == InstantSnapshot.Sequence.Operation))
            await new InstantCreateRecovery().RecoverAsync(r.Part(InstantSnapshot.Sequence.Operation), cancellationToken).ConfigureAwait(false);
        // The name was free at the preflight, under the lock: a snapshot of that name is this run's.
        if (!r.HasSnapshot(kept))
        {
            r.Done.Add($"the state left was not kept (no snapshot '{kept}'): the revert to '{target}' did not happen");
            return RecoveryOutcome.RolledBack;
        }

        var revert = r.Part(ExternalRevert.Sequence.Operation);
        if (revert.Record.Steps.Count > 0
            && await new ExternalRevertRecovery(bootAgain: false).RecoverAsync(revert, cancellationToken).ConfigureAwait(false) == RecoveryOutcome.RolledForward)
        {
            r.Done.Add($"the state left is kept as '{kept}'");
            return RecoveryOutcome.RolledForward;
        }
        return await RevertAgainAsync(r, intent, kept, target, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<RecoveryOutcome> RevertAgainAsync(RecoveryContext r, JournalFact intent, string kept, string target, CancellationToken cancellationToken)
    {
        var engine = r.Engine;
        var domain = DomainRef.ByUuid(r.Domain.Uuid);
        SnapshotInfo info;
        using (var snapshot = EngineContext.Lookup(r.Domain, target))
            info = EngineContext.Describe(snapshot);
        // Journaled into the record being recovered: a recovery killed meanwhile leaves this operation's journal.
        try
        {
            await r.InRecordAsync(() => new ExternalRevert(engine, r.Domain, info, Options(intent)).RunAsync(cancellationToken)).ConfigureAwait(false);
        }
        catch (SnapshotException e) when (!e.Message.Contains(ExternalRevert.DoneNote, StringComparison.Ordinal))
        {
            // The revert rolled itself back: as in the process, neither half stays.
            r.Left.Add($"the revert to '{target}' failed again ({e.Message})");
            var overlays = (intent["overlays"] ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries);
            await r.InRecordAsync(async () =>
            {
                await KeepCurrentRevert.DeleteKeptAsync(engine, domain, r.Domain, kept, overlays, r.Done, r.Left).ConfigureAwait(false);
                return true;
            }).ConfigureAwait(false);
            return RecoveryOutcome.RolledBack;
        }
        r.Done.Add($"the revert to '{target}' was run again and is done; the state left is kept as '{kept}'");
        return RecoveryOutcome.RolledForward;
    }

    private static SnapshotRevertOptions Options(JournalFact intent) => new()
    {
        Target = Enum.TryParse<RevertTarget>(intent["revert-target"], out var t) ? t : RevertTarget.AsSnapshot,
        Force = intent["force"] == "yes",
        ResetNvram = intent["reset-nvram"] == "yes",
        DiscardDescendants = intent["discard-descendants"] == "yes",
        BranchTip = intent["branch-tip"] == "yes",
        DiscardCurrent = intent["discard-current"] == "yes",
    };

    private static string Flag(bool value) => value ? "yes" : "no";
}
