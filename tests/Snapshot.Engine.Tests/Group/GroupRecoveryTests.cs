using Snapshot.Engine.Tests.Faults;
using Snapshot.Interop;

namespace Snapshot.Engine.Tests.Group;

/// <summary>
/// A group snapshot's journals as a killed process leaves them (every member's naming the group, before any member
/// was prepared), recovered on libvirt's test driver: one member's recovery settles every member, and a member
/// locked by a live operation refuses it (busy) with every journal kept. The kills themselves: GroupCreateKillTests.
/// </summary>
public sealed class GroupRecoveryTests
{
    [Fact]
    public async Task A_member_locked_by_a_live_operation_refuses_the_groups_recovery_and_every_journal_is_kept()
    {
        using var node = new GroupNode(new FaultHook());
        var paths = LeaveJournals(node, "cut1");
        using (var dom2 = node.Connection.LookupDomain("m2"))
        using (await DomainLock.AcquireAsync(node.Connection, dom2, "snapshot-create", CancellationToken.None))
        {
            var e = await node.Engine.Domain("m1").Invoking(d => d.RecoverAsync()).Should().ThrowAsync<SnapshotException>();
            e.Which.Kind.Should().Be(SnapshotErrorKind.Busy, e.Which.Message);
            e.Which.Message.Should().Contain("domain 'm2' is busy").And.Contain("run snapshot-recover again");
            paths.Should().OnlyContain(p => File.Exists(p), "a recovery that could not settle the whole group changes no member");
        }

        var recovered = await node.Engine.Domain("m1").RecoverAsync();

        recovered.Outcome.Should().Be(RecoveryOutcome.RolledBack);
        recovered.Done.Should().Contain(d => d.Contains("no group was recorded", StringComparison.Ordinal));
        paths.Should().OnlyContain(p => !File.Exists(p), "both members were settled");
        (await node.Engine.Domain("m2").RecoverAsync()).Outcome.Should().Be(RecoveryOutcome.None, "m2 was settled with its group");
        (await node.Engine.ListGroupsAsync()).Should().BeEmpty();
    }

    // What a group create killed right after its preflights leaves: each member's journal names the group and its members.
    private static List<string> LeaveJournals(GroupNode node, string group)
    {
        var domains = node.Names.Select(node.Connection.LookupDomain).ToList();
        try
        {
            var options = new SnapshotGroupCreateOptions { Name = group, Domains = node.Names };
            var paths = new List<string>();
            foreach (var dom in domains)
            {
                var journal = OperationJournal.For(node.Engine.Context.Journals, node.Connection, dom, InstantSnapshot.Sequence.Operation);
                journal.Record.Pid = int.MaxValue; // a process that is gone
                journal.Add(GroupCreateRecovery.MemberOf(options, DateTimeOffset.UtcNow, domains.Select(d => d.Uuid)));
                paths.Add(journal.Path);
            }
            return paths;
        }
        finally
        {
            foreach (var dom in domains)
                dom.Dispose();
        }
    }
}
