using System.Globalization;

namespace Snapshot.Engine;

/// <summary>
/// A group snapshot: an instant snapshot of each member, all paused inside one window so that there is a moment
/// at which every member is paused (a consistent cut across the domains). Every member is checked before any is
/// touched; each is then prepared (files, QEMU's settings, overlays) while it runs; all are paused one after the
/// other; each then has its disks switched and QEMU's write started, and is resumed as soon as its own point is
/// safe, all at once. A failure of any member rolls back every member, each by its own ledger.
/// </summary>
internal sealed class GroupSnapshot(EngineContext context, SnapshotGroupCreateOptions options)
{
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
            return await TakeAsync(snapshots, store, requestedAt, ct).ConfigureAwait(false);
        }
        finally
        {
            foreach (var member in snapshots)
                member.Dispose();
        }
    }

    private async Task<SnapshotGroupInfo> TakeAsync(List<InstantSnapshot> snapshots, GroupStore store, DateTimeOffset requestedAt, CancellationToken ct)
    {
        InstantSnapshot? failing = null;
        try
        {
            foreach (var member in snapshots)
            {
                failing = member;
                await member.PrepareAsync(ct).ConfigureAwait(false);
            }
            // The window: every member paused, one after the other, before any is resumed.
            foreach (var member in snapshots)
            {
                failing = member;
                await member.PauseAsync(ct).ConfigureAwait(false);
            }
            // Each member's disk switch and migrate, side by side: each resumes as soon as its own point is safe.
            failing = null;
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
            var points = completing.Select(t => t.Result).ToList();
            var spread = points.Max(p => p.TakenAt) - points.Min(p => p.TakenAt);
            var common = points.Min(p => p.TakenAt + p.GuestPause) - points.Max(p => p.TakenAt);
            Log.GroupPointTaken(context.Logger, options.Name, snapshots.Count, spread.TotalMilliseconds, common.TotalMilliseconds);
            foreach (var member in snapshots)
            {
                failing = member;
                await member.WriteAsync(null, ct).ConfigureAwait(false);
            }
            foreach (var member in snapshots)
            {
                failing = member;
                await member.RegisterAsync().ConfigureAwait(false);
            }
            failing = null;
            var group = new SnapshotGroupInfo(options.Name, store.Connection, options.Description, requestedAt,
                new EquatableList<SnapshotGroupMember>(snapshots.Zip(points, (m, p) => new SnapshotGroupMember(m.Domain, m.Uuid, m.Plan!.MemoryFile, p.TakenAt, p.GuestPause))));
            store.Add(group);
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
