using System.Globalization;

namespace Snapshot.Engine;

/// <summary>
/// A group snapshot: an instant snapshot of each member, all paused inside one window so that there is a moment
/// at which every member is paused (a consistent cut across the domains). Every member is checked before any is
/// touched; each is then prepared (files, QEMU's settings, overlays) while it runs; all are paused one after the
/// other; each then has its disks switched and QEMU's write started, and is resumed as soon as its own point is
/// safe, all at once. A failure of any member rolls back every member, each by its own ledger; a kill is recovered
/// for the whole group (<see cref="GroupCreateRecovery"/>).
/// </summary>
internal sealed class GroupSnapshot(EngineContext context, SnapshotGroupCreateOptions options)
{
    /// <summary>The group's phases over its members, as steps: the fault and kill seams see them (nothing journals them, each member's run journals its own steps).</summary>
    public static readonly StepSequence Sequence = new("group-create",
        new StepDefinition("prepare-all", "preparing every member"),
        new StepDefinition("pause-all", "pausing every member"),
        new StepDefinition("complete-all", "taking every member's snapshot point"),
        new StepDefinition("write-all", "writing every member's memory"),
        new StepDefinition("register-all", "registering every member's snapshot"),
        new StepDefinition("record", "recording the group"));

    public async Task<SnapshotGroupInfo> RunAsync(CancellationToken ct)
    {
        var requestedAt = DateTimeOffset.UtcNow;
        GroupMembers.CheckRequest(options);
        var store = context.Groups();
        store.CheckAbsent(options.Name);
        using var members = await GroupMembers.LockAsync(context, options.Domains.Select(DomainRef.ByOperand), "group-create", "instant-create", ct).ConfigureAwait(false);
        var snapshots = new List<InstantSnapshot>();
        try
        {
            foreach (var (dom, journal) in members.Domains.Zip(members.Journals))
            {
                var request = GroupMembers.MemberRequest(options, dom, context.Files);
                SnapshotCreate.BuildXml(request);
                CreateRules.CheckState(request.Modifiers, dom.IsActive);
                snapshots.Add(new InstantSnapshot(context, dom, request, requestedAt, _ => { }, journal) { InGroup = true });
            }
            // Refusals before anything changes, for every member: thrown as they are.
            foreach (var member in snapshots)
                await member.PreflightAsync(ct).ConfigureAwait(false);
            // Before any member is touched, every member's journal names the group: a kill is recovered for all of them.
            foreach (var journal in members.Journals)
                journal.Add(GroupCreateRecovery.MemberOf(options, requestedAt, members.Domains.Select(d => d.Uuid)));
            return await TakeAsync(snapshots, members.Journals, store, requestedAt, ct).ConfigureAwait(false);
        }
        finally
        {
            foreach (var member in snapshots)
                member.Dispose();
        }
    }

    private async Task<SnapshotGroupInfo> TakeAsync(List<InstantSnapshot> snapshots, IReadOnlyList<OperationJournal> journals, GroupStore store,
        DateTimeOffset requestedAt, CancellationToken ct)
    {
        InstantSnapshot? failing = null;
        var run = new OperationRun(Sequence, context.Steps, context.Logger, options.Name);
        try
        {
            await run.RunAsync("prepare-all", async () =>
            {
                foreach (var member in snapshots)
                {
                    failing = member;
                    await member.PrepareAsync(ct).ConfigureAwait(false);
                }
            }, ct).ConfigureAwait(false);
            // The window: every member paused, one after the other, before any is resumed.
            await run.RunAsync("pause-all", async () =>
            {
                foreach (var member in snapshots)
                {
                    failing = member;
                    await member.PauseAsync(ct).ConfigureAwait(false);
                }
            }, ct).ConfigureAwait(false);
            // Each member's disk switch and migrate, side by side: each resumes as soon as its own point is safe. (Holding
            // every resume until all points were safe, on QEMU 8.2+, was measured and not kept: docs/benchmarks.md.)
            failing = null;
            var points = await run.RunAsync("complete-all", async () =>
            {
                var completing = snapshots.Select(m => Task.Run(() => m.CompletePointAsync(ct), CancellationToken.None)).ToList();
                try
                {
                    await Task.WhenAll(completing).ConfigureAwait(false);
                }
                catch (Exception)
                {
                    failing = snapshots[completing.FindIndex(t => t.IsFaulted || t.IsCanceled)];
                    throw;
                }
                // Journaled before any memory is complete: a recovery that records the group reads each point here.
                foreach (var (journal, task) in journals.Zip(completing))
                    journal.Add(GroupCreateRecovery.PointOf(task.Result));
                return completing.Select(t => t.Result).ToList();
            }, ct).ConfigureAwait(false);
            var spread = points.Max(p => p.TakenAt) - points.Min(p => p.TakenAt);
            var common = points.Min(p => p.TakenAt + p.GuestPause) - points.Max(p => p.TakenAt);
            Log.GroupPointTaken(context.Logger, options.Name, snapshots.Count, spread.TotalMilliseconds, common.TotalMilliseconds);
            await run.RunAsync("write-all", async () =>
            {
                // Every member's stream runs from its point on: each one's limit is raised before the first write is waited for.
                foreach (var member in snapshots)
                {
                    failing = member;
                    await member.RaiseBandwidthAsync(ct).ConfigureAwait(false);
                }
                foreach (var member in snapshots)
                {
                    failing = member;
                    await member.WriteAsync(null, ct).ConfigureAwait(false);
                }
            }, ct).ConfigureAwait(false);
            await run.RunAsync("register-all", async () =>
            {
                foreach (var member in snapshots)
                {
                    failing = member;
                    await member.RegisterAsync().ConfigureAwait(false);
                }
            }, CancellationToken.None).ConfigureAwait(false);
            failing = null;
            var group = new SnapshotGroupInfo(options.Name, store.Connection, options.Description, requestedAt,
                new EquatableList<SnapshotGroupMember>(snapshots.Zip(points, (m, p) => new SnapshotGroupMember(m.Domain, m.Uuid, m.Plan!.MemoryFile, p.TakenAt, p.GuestPause))));
            await run.Run("record", () => store.Add(group), CancellationToken.None).ConfigureAwait(false);
            return group;
        }
        catch (Exception e)
        {
            throw await FailAsync(snapshots, failing, e, ct).ConfigureAwait(false);
        }
    }

    /// <summary>Rolls back every member, last first; one message saying where it failed and what each member was left with.</summary>
    private async Task<Exception> FailAsync(List<InstantSnapshot> snapshots, InstantSnapshot? failing, Exception cause, CancellationToken ct)
    {
        var cancelled = cause is OperationCanceledException && ct.IsCancellationRequested;
        var where = failing is null ? "recording the group" : $"{failing.FailedStep} (domain '{failing.Domain}')";
        Log.GroupFailed(context.Logger, options.Name, where, cause.Message);
        var parts = new List<string>();
        for (var i = snapshots.Count - 1; i >= 0; i--)
        {
            var (undone, left) = await snapshots[i].RollBackAsync().ConfigureAwait(false);
            var undoneText = undone.Count > 0 ? $"undone: {string.Join("; ", undone)}; " : "";
            parts.Insert(0, $"'{snapshots[i].Domain}': {undoneText}left: {string.Join("; ", left)}");
        }
        var what = cancelled ? "was cancelled" : "failed";
        var reason = cancelled ? "" : ": " + cause.Message;
        var message = string.Create(CultureInfo.InvariantCulture,
            $"group snapshot '{options.Name}' {what} while {where}{reason}. Every member was rolled back: {string.Join(". ", parts)}. No group was recorded.");
        if (cancelled)
            return new OperationCanceledException(message, cause, ct);
        return new SnapshotException(InstantSnapshot.FailureKind(cause), message, cause);
    }
}
