using System.Diagnostics;
using System.Xml.Linq;
using Snapshot.Interop;

namespace Snapshot.Engine;

/// <summary>
/// Reverts every member of a group to its snapshot: every member checked first (the snapshot there, its memory
/// file complete, the revert's own preflight, the kept name free), then each reverted paused as a keep-current
/// revert (the state it leaves kept as a snapshot, one journaled operation per member), then all resumed one after
/// the other in one short window, so that the guests come back together from the group's instant; the kept
/// snapshots are deleted last. A member that fails puts back every member reverted before it: each reverted to its
/// kept snapshot (the state it was running on, memory included), then that snapshot deleted.
/// </summary>
internal sealed class GroupRevert(EngineContext context, string name, RevertTarget target)
{
    private static readonly SnapshotRevertOptions Paused = new() { Target = RevertTarget.Paused };

    public async Task<SnapshotGroupRevertResult> RunAsync(CancellationToken ct)
    {
        GroupMembers.CheckName(name);
        var group = context.Groups().Get(name);
        using var members = await GroupMembers.LockAsync(context, group.Members.Select(m => DomainRef.ByUuid(m.Uuid)), "group-revert", KeepCurrentRevert.Sequence.Operation, ct).ConfigureAwait(false);
        var keptName = KeepCurrentRevert.DefaultName(DateTimeOffset.UtcNow);
        foreach (var dom in members.Domains)
            Preflight(dom, keptName);
        ct.ThrowIfCancellationRequested();
        // Every member's journal names the group before any is touched: a kill is recovered alike on every member.
        foreach (var journal in members.Journals)
            journal.Add(GroupRevertRecovery.MemberOf(name, target));

        var reverted = new List<Member>();
        foreach (var (dom, journal) in members.Domains.Zip(members.Journals))
        {
            context.Journal = journal;
            try
            {
                SnapshotInfo info;
                using (var snapshot = EngineContext.Lookup(dom, name))
                    info = EngineContext.Describe(snapshot);
                var done = await new KeepCurrentRevert(context, DomainRef.ByUuid(dom.Uuid), dom, info, Paused).RunAsync(keptName, ct).ConfigureAwait(false);
                reverted.Add(new Member(dom, journal, done.Kept));
            }
            catch (Exception e)
            {
                var putBack = await PutBackAsync(reverted).ConfigureAwait(false);
                throw new SnapshotException(e is SnapshotException s ? s.Kind : ErrorClassifier.Classify(e),
                    $"revert of group '{name}' failed at domain '{dom.Name}': {e.Message}. {putBack}; the members after it are as they were", e);
            }
        }

        // The group's point of no return: from here a kill finishes every member instead of putting it back.
        foreach (var journal in members.Journals)
            journal.Add(JournalFact.Of(GroupRevertRecovery.AllReverted, "group", name));
        var spread = TimeSpan.Zero;
        if (target != RevertTarget.Paused)
        {
            // The window: nothing but the resumes, one after the other.
            var clock = Stopwatch.StartNew();
            var first = TimeSpan.Zero;
            foreach (var dom in members.Domains)
            {
                dom.Resume();
                if (first == TimeSpan.Zero)
                    first = clock.Elapsed;
            }
            spread = clock.Elapsed - first;
        }
        // The reverts are done: the states they left go, as a revert's own does.
        foreach (var member in reverted)
            await DropKeptAsync(member, [], []).ConfigureAwait(false);
        Log.GroupReverted(context.Logger, name, members.Domains.Count, spread.TotalMilliseconds);
        return new SnapshotGroupRevertResult(group, Resumed: target != RevertTarget.Paused, spread);
    }

    // The revert's own checks for each member, before any is touched: a refusal leaves every member as it was.
    private void Preflight(LibvirtDomain dom, string keptName)
    {
        using var snapshot = EngineContext.Lookup(dom, name);
        var info = EngineContext.Describe(snapshot);
        if (info.Location != SnapshotLocation.External)
            throw new SnapshotException(SnapshotErrorKind.BadInput, $"snapshot '{name}' of domain '{dom.Name}' is not the external snapshot the group took");
        var state = dom.GetState().State;
        ExternalRevertPreflight.Check(snapshot.GetXmlDesc(SnapshotXmlFlags.Secure), Paused, state, XElement.Parse(dom.GetXmlDesc(DomainXmlFlags.Secure)), context.Files);
        try
        {
            EngineContext.Lookup(dom, keptName).Dispose();
            throw new SnapshotException(SnapshotErrorKind.AlreadyExists, $"domain '{dom.Name}' has a snapshot '{keptName}' already, the name its state is to be kept under during the revert; try again in a second");
        }
        catch (SnapshotNotFoundException)
        {
        }
    }

    // Each member reverted before the failure goes back to the state it left (its kept snapshot), last first.
    private async Task<string> PutBackAsync(List<Member> reverted)
    {
        if (reverted.Count == 0)
            return "No member was reverted";
        var lines = new List<string>();
        foreach (var member in Enumerable.Reverse(reverted))
        {
            var (done, left) = (new List<string>(), new List<string>());
            try
            {
                context.Journal = member.Journal;
                await new ExternalRevert(context, member.Domain, member.Kept, new SnapshotRevertOptions()).RunAsync(CancellationToken.None).ConfigureAwait(false);
                done.Add($"reverted to the state it had (kept as '{member.Kept.Name}')");
                await DropKeptAsync(member, done, left).ConfigureAwait(false);
            }
            catch (Exception e) when (e is SnapshotException or LibvirtException)
            {
                left.Add($"putting it back failed ({e.Message}); its state is kept as snapshot '{member.Kept.Name}': virt-snap snapshot-revert {member.Domain.Name} {member.Kept.Name}");
            }
            lines.Add($"'{member.Domain.Name}': {string.Join("; ", done)}{(left.Count > 0 ? "; left: " + string.Join("; ", left) : "")}");
        }
        return "The members reverted before it were put back: " + string.Join(". ", lines);
    }

    private async Task DropKeptAsync(Member member, List<string> done, List<string> left)
    {
        context.Journal = member.Journal;
        var overlays = member.Kept.Disks.Select(d => d.File).OfType<string>().ToList();
        try
        {
            await KeepCurrentRevert.DeleteKeptAsync(context, DomainRef.ByUuid(member.Domain.Uuid), member.Domain, member.Kept.Name, overlays, done, left).ConfigureAwait(false);
        }
        catch (SnapshotException e)
        {
            left.Add($"the snapshot '{member.Kept.Name}' of the state it left could not be deleted ({e.Message})");
            Log.GroupKeptLeft(context.Logger, name, member.Domain.Name, member.Kept.Name, e.Message);
        }
    }

    private sealed record Member(LibvirtDomain Domain, OperationJournal Journal, SnapshotInfo Kept);
}
