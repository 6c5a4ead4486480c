using System.Globalization;
using Snapshot.Interop;

namespace Snapshot.Engine;

/// <summary>
/// A member of a group snapshot whose process died: the group settled as a whole, whichever member is recovered
/// first (<c>snapshot-recover</c> of any member, or the next changing call on one). Every member's journal names the
/// group and its members (<see cref="Member"/>, written before any member is prepared), so the recovery of one takes
/// every other member's lock and reads its journal. Forward when every member's snapshot is registered or
/// registrable (memory complete, definition journaled): each registered, then the group recorded. Else back: each
/// member that got the group's snapshot has it undone as a failed instant create's is (its record dropped, its
/// files deleted unless something uses them, its guest running on), a member not reached is left as it was. The
/// choice is journaled into every member (<see cref="Settled"/>) before any is changed, so a recovery killed midway
/// makes the same one again. No lock is waited for (a held one refuses at once, busy, the journals kept), so no
/// order of members can deadlock.
/// </summary>
internal static class GroupCreateRecovery
{
    /// <summary>This member is part of a group snapshot (group, description, created, members: UUIDs one a line, in order).</summary>
    public const string Member = "group-create-member";

    /// <summary>This member's snapshot point (taken-at, pause-ticks): what the group's record holds of it.</summary>
    public const string Point = "group-point";

    /// <summary>What recovery chose for the whole group (outcome: forward or back), journaled into every member first.</summary>
    public const string Settled = "group-settled";

    public static JournalFact MemberOf(SnapshotGroupCreateOptions options, DateTimeOffset created, IEnumerable<Guid> members) =>
        JournalFact.Of(Member, "group", options.Name, "description", options.Description,
            "created", created.ToString("O", CultureInfo.InvariantCulture), "members", string.Join('\n', members.Select(m => m.ToString("D"))));

    public static JournalFact PointOf(SnapshotPoint point) =>
        JournalFact.Of(Point, "taken-at", point.TakenAt.ToString("O", CultureInfo.InvariantCulture),
            "pause-ticks", point.GuestPause.Ticks.ToString(CultureInfo.InvariantCulture));

    public static async Task<RecoveryOutcome> RecoverAsync(RecoveryContext r, JournalFact member, CancellationToken ct)
    {
        var group = member["group"]!;
        var uuids = (member["members"] ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(Guid.Parse).ToList();
        var others = new List<Other>();
        try
        {
            foreach (var uuid in uuids.Where(u => u != r.Domain.Uuid))
                others.Add(await OpenAsync(r, group, uuid, ct).ConfigureAwait(false));
            // In the group's order, the member being recovered last: its journal goes last, after the others'.
            var members = uuids.Select(u => u == r.Domain.Uuid ? r : others.Single(o => o.Uuid == u).Recovery).ToList();
            var reached = members.OfType<RecoveryContext>().Where(c => c != r).Append(r).ToList();
            var forward = Decide(reached, members, group);
            foreach (var c in reached)
            {
                var outcome = await InstantCreateRecovery.RecoverOneAsync(c, mayRollForward: forward, ct).ConfigureAwait(false);
                if (forward && outcome != RecoveryOutcome.RolledForward)
                    throw new SnapshotException(SnapshotErrorKind.Failed, $"the snapshot '{group}' of member '{c.Domain.Name}' could not be registered: {string.Join("; ", c.Left)}");
                if (c != r)
                {
                    r.Done.AddRange(c.Done.Select(d => $"'{c.Domain.Name}': {d}"));
                    r.Left.AddRange(c.Left.Select(d => $"'{c.Domain.Name}': {d}"));
                }
            }
            if (forward)
                Record(r, member, group, uuids, members);
            else
                r.Done.Add($"group '{group}' had not registered every member's snapshot: no member keeps one, no group was recorded");
            foreach (var c in reached.Where(c => c != r))
                r.Engine.Journals.Delete(c.Journal.Key);
            return forward ? RecoveryOutcome.RolledForward : RecoveryOutcome.RolledBack;
        }
        finally
        {
            foreach (var other in others)
                other.Dispose();
        }
    }

    // A choice journaled by an earlier recovery stands; else forward only when every member can keep its snapshot.
    private static bool Decide(List<RecoveryContext> reached, List<RecoveryContext?> members, string group)
    {
        if (reached.Select(c => c.Record.Fact(Settled)?["outcome"]).FirstOrDefault(o => o is not null) is { } settled)
            return settled == "forward";
        var forward = members.All(c => c is not null && c.Record.Fact(Point) is not null
            && (c.HasSnapshot(group) || InstantCreateRecovery.CanRegister(c)));
        foreach (var c in reached)
            c.Journal.Add(JournalFact.Of(Settled, "outcome", forward ? "forward" : "back"));
        return forward;
    }

    private static void Record(RecoveryContext r, JournalFact member, string group, List<Guid> uuids, List<RecoveryContext?> members)
    {
        var store = r.Engine.Groups();
        if (store.Find(group) is { } existing)
        {
            // A recovery killed after recording it (the other members' journals may be gone): the record is this group's when it names the same members.
            if (!existing.Members.Select(m => m.Uuid).SequenceEqual(uuids))
                throw new SnapshotException(SnapshotErrorKind.AlreadyExists, $"another group named '{group}' was recorded meanwhile; every member's snapshot '{group}' is registered");
            r.Done.Add($"every member's snapshot '{group}' is registered and the group was recorded already");
            return;
        }
        // Not recorded yet: no member's journal has gone (they go once the record is in).
        var info = new SnapshotGroupInfo(group, store.Connection, member["description"],
            DateTimeOffset.Parse(member["created"]!, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind),
            new EquatableList<SnapshotGroupMember>([.. members.Select(c =>
            {
                var point = c!.Record.Fact(Point)!;
                return new SnapshotGroupMember(c.Domain.Name, c.Domain.Uuid, c.Created(JournalFacts.MemoryRole).First()["path"]!,
                    DateTimeOffset.Parse(point["taken-at"]!, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind),
                    TimeSpan.FromTicks(long.Parse(point["pause-ticks"]!, CultureInfo.InvariantCulture)));
            })]));
        store.Add(info);
        r.Done.Add($"every member's snapshot '{group}' is registered: the group was recorded");
    }

    private static async Task<Other> OpenAsync(RecoveryContext r, string group, Guid uuid, CancellationToken ct)
    {
        LibvirtDomain dom;
        try
        {
            dom = r.Engine.Resolve(DomainRef.ByUuid(uuid));
        }
        catch (DomainNotFoundException)
        {
            r.Left.Add($"member {uuid} of group '{group}' is no longer defined");
            return new Other(uuid, null, null, null);
        }
        DomainLock? held = null;
        try
        {
            if (!r.HeldLocks.Contains(uuid))
                held = await DomainLock.AcquireAsync(r.Engine.Connection, dom, "recover", ct).ConfigureAwait(false);
            var key = DomainLock.KeyOf(r.Engine.Connection.Uri, uuid);
            var record = r.Engine.Journals.Read(key);
            // Another member's journal of the same dead run: the group's name and the process that ran it.
            var ours = record is not null && record.Pid == r.Record.Pid && record.Fact(Member)?["group"] == group;
            var recovery = ours ? new RecoveryContext(r.Engine, dom, record!, new OperationJournal(r.Engine.Journals, key, record!)) : null;
            return new Other(uuid, dom, held, recovery);
        }
        catch
        {
            held?.Dispose();
            dom.Dispose();
            throw;
        }
    }

    /// <summary>Another member: its domain, its lock (null when the caller holds it) and, when its journal is this run's, its recovery.</summary>
    private sealed record Other(Guid Uuid, LibvirtDomain? Domain, DomainLock? Lock, RecoveryContext? Recovery) : IDisposable
    {
        public void Dispose()
        {
            Lock?.Dispose();
            Domain?.Dispose();
        }
    }
}
