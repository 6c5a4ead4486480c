using System.Diagnostics;
using System.Xml.Linq;
using Snapshot.Interop;

namespace Snapshot.Engine;

/// <summary>
/// Reverts every member of a group to its snapshot: every member checked first (the snapshot there, its memory
/// file complete, the revert's own preflight), then each reverted paused, then all resumed one after the other in
/// one short window, so that the guests come back together from the group's instant.
/// </summary>
internal sealed class GroupRevert(EngineContext context, string name, RevertTarget target)
{
    public async Task<SnapshotGroupRevertResult> RunAsync(CancellationToken ct)
    {
        GroupMembers.CheckName(name);
        var group = context.Groups().Get(name);
        using var members = await GroupMembers.LockAsync(context, group.Members.Select(m => DomainRef.ByUuid(m.Uuid)), "group-revert", "revert", ct).ConfigureAwait(false);
        var paused = new SnapshotRevertOptions { Target = RevertTarget.Paused };
        foreach (var dom in members.Domains)
            Preflight(dom, paused);
        ct.ThrowIfCancellationRequested();

        var reverted = new List<string>();
        foreach (var (dom, journal) in members.Domains.Zip(members.Journals))
        {
            try
            {
                context.Journal = journal;
                await new SnapshotRevert(context).RunAsync(DomainRef.ByUuid(dom.Uuid), name, paused, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException || reverted.Count > 0)
            {
                var done = reverted.Count > 0 ? $"{string.Join(", ", reverted.Select(r => $"'{r}'"))} reverted and left paused at the group's instant (virsh resume each)" : "no member was reverted";
                throw new SnapshotException(ErrorClassifier.Classify(e),
                    $"revert of group '{name}' failed at domain '{dom.Name}': {e.Message}. {done}; the members after it are as they were", e);
            }
            reverted.Add(dom.Name);
        }
        if (target == RevertTarget.Paused)
            return new SnapshotGroupRevertResult(group, Resumed: false, TimeSpan.Zero);

        // The window: nothing but the resumes, one after the other.
        var clock = Stopwatch.StartNew();
        var first = TimeSpan.Zero;
        foreach (var dom in members.Domains)
        {
            dom.Resume();
            if (first == TimeSpan.Zero)
                first = clock.Elapsed;
        }
        var spread = clock.Elapsed - first;
        Log.GroupReverted(context.Logger, name, members.Domains.Count, spread.TotalMilliseconds);
        return new SnapshotGroupRevertResult(group, Resumed: true, spread);
    }

    // The revert's own checks for each member, before any is touched: a refusal leaves every member as it was.
    private void Preflight(LibvirtDomain dom, SnapshotRevertOptions options)
    {
        using var snapshot = EngineContext.Lookup(dom, name);
        var info = EngineContext.Describe(snapshot);
        if (info.Location != SnapshotLocation.External)
            throw new SnapshotException(SnapshotErrorKind.BadInput, $"snapshot '{name}' of domain '{dom.Name}' is not the external snapshot the group took");
        var state = dom.GetState().State;
        ExternalRevertPreflight.Check(snapshot.GetXmlDesc(SnapshotXmlFlags.Secure), options, state, XElement.Parse(dom.GetXmlDesc(DomainXmlFlags.Secure)), context.Files);
    }
}
