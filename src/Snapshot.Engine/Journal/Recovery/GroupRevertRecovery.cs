using Snapshot.Interop;

namespace Snapshot.Engine;

/// <summary>
/// A member of a group revert whose process died: its own keep-current revert, recovered so that every member of
/// the group ends the same way, whichever member is recovered first and by whom (<c>snapshot-recover</c> of each
/// member, or the next changing call on it). The group's point of no return is every member reverted
/// (<see cref="AllReverted"/>, written into every member's journal before the resumes): from then on each member is
/// finished (resumed unless the group was reverted paused, its kept snapshot deleted); before it, each is put back
/// (reverted to its kept snapshot unless its revert never touched it, then the kept snapshot deleted), so that no
/// member stays at the group's instant while another goes on from where it was.
/// </summary>
internal static class GroupRevertRecovery
{
    /// <summary>This member is part of a group revert (group: its name; target: the group's revert target).</summary>
    public const string Member = "group-member";

    /// <summary>Every member of the group was reverted: recovery finishes each.</summary>
    public const string AllReverted = "group-reverted";

    public static JournalFact MemberOf(string group, RevertTarget target) => JournalFact.Of(Member, "group", group, "target", target.ToString());

    public static async Task<RecoveryOutcome> RecoverAsync(RecoveryContext r, JournalFact member, CancellationToken ct)
    {
        var group = member["group"];
        var kept = r.Record.Fact(KeepCurrentRevertRecovery.Kind)?["name"];
        if (r.Record.Fact(AllReverted) is not null)
        {
            var revert = r.Part(ExternalRevert.Sequence.Operation);
            if (revert.Record.Steps.Count > 0)
                await new ExternalRevertRecovery(bootAgain: false).RecoverAsync(revert, ct).ConfigureAwait(false);
            if (member["target"] != nameof(RevertTarget.Paused) && r.State == DomainState.Paused)
            {
                r.Domain.Resume();
                r.Done.Add($"resumed at the instant of group '{group}' (every member was reverted)");
            }
            await DropKeptAsync(r, kept).ConfigureAwait(false);
            return RecoveryOutcome.RolledForward;
        }

        if (kept is null)
        {
            r.Done.Add($"the revert of group '{group}' had not reached this member: nothing to do");
            return RecoveryOutcome.RolledBack;
        }
        if (!r.HasSnapshot(kept) && r.Record.Steps.Any(s => s.Operation == InstantSnapshot.Sequence.Operation))
            await new InstantCreateRecovery().RecoverAsync(r.Part(InstantSnapshot.Sequence.Operation), ct).ConfigureAwait(false);
        if (r.HasSnapshot(kept))
        {
            var revert = r.Part(ExternalRevert.Sequence.Operation);
            // A revert rolled back without a fresh boot that leaves the domain running never stopped it: it runs on as it was.
            var untouched = revert.Record.Steps.Count == 0
                || (await new ExternalRevertRecovery(bootAgain: false).RecoverAsync(revert, ct).ConfigureAwait(false) == RecoveryOutcome.RolledBack && r.Domain.IsActive);
            if (!untouched)
                await PutBackAsync(r, kept, ct).ConfigureAwait(false);
            await DropKeptAsync(r, kept).ConfigureAwait(false);
        }
        r.Done.Add($"the revert of group '{group}' did not reach every member: this one is as it was");
        return RecoveryOutcome.RolledBack;
    }

    private static async Task PutBackAsync(RecoveryContext r, string kept, CancellationToken ct)
    {
        SnapshotInfo info;
        using (var snapshot = EngineContext.Lookup(r.Domain, kept))
            info = EngineContext.Describe(snapshot);
        await r.InRecordAsync(() => new ExternalRevert(r.Engine, r.Domain, info, new SnapshotRevertOptions()).RunAsync(ct)).ConfigureAwait(false);
        r.Done.Add($"reverted to the state it had (kept as '{kept}')");
    }

    private static async Task DropKeptAsync(RecoveryContext r, string? kept)
    {
        if (kept is null || !r.HasSnapshot(kept))
            return;
        var overlays = (r.Record.Fact(KeepCurrentRevertRecovery.Kind)?["overlays"] ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        await r.InRecordAsync(async () =>
        {
            await KeepCurrentRevert.DeleteKeptAsync(r.Engine, DomainRef.ByUuid(r.Domain.Uuid), r.Domain, kept, overlays, r.Done, r.Left).ConfigureAwait(false);
            return true;
        }).ConfigureAwait(false);
    }
}
