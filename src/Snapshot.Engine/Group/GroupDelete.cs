using Snapshot.Interop;

namespace Snapshot.Engine;

/// <summary>
/// Deletes a group: each member's snapshot (as snapshot-delete does, its files included), then the group's record.
/// A member whose domain or snapshot is gone already is passed over; a member whose delete fails stays in the
/// record, which then lists only the members still there.
/// </summary>
internal sealed class GroupDelete(EngineContext context, string name)
{
    public async Task RunAsync(CancellationToken ct)
    {
        GroupMembers.CheckName(name);
        var store = context.Groups();
        var group = store.Get(name);
        var present = group.Members.Where(m => Exists(m.Uuid)).ToList();
        using var members = await GroupMembers.LockAsync(context, present.Select(m => DomainRef.ByUuid(m.Uuid)), "group-delete", "delete", ct).ConfigureAwait(false);
        var remaining = new List<SnapshotGroupMember>(present);
        foreach (var ((member, dom), journal) in present.Zip(members.Domains).Zip(members.Journals))
        {
            context.Journal = journal;
            if (!HasSnapshot(dom))
            {
                remaining.Remove(member);
                continue;
            }
            try
            {
                await new SnapshotDelete(context).RunAsync(DomainRef.ByUuid(member.Uuid), name, new SnapshotDeleteOptions(), ct).ConfigureAwait(false);
                remaining.Remove(member);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                store.Replace(group with { Members = new EquatableList<SnapshotGroupMember>(remaining) });
                throw new SnapshotException(ErrorClassifier.Classify(e),
                    $"delete of group '{name}' failed at domain '{dom.Name}': {e.Message}; the group now lists {string.Join(", ", remaining.Select(r => $"'{r.Domain}'"))}", e);
            }
        }
        store.Remove(name);
    }

    private bool Exists(Guid uuid)
    {
        try
        {
            context.Connection.LookupDomain(uuid).Dispose();
            return true;
        }
        catch (DomainNotFoundException)
        {
            return false;
        }
    }

    private bool HasSnapshot(LibvirtDomain dom)
    {
        try
        {
            EngineContext.Lookup(dom, name).Dispose();
            return true;
        }
        catch (SnapshotNotFoundException)
        {
            return false;
        }
    }
}
