using Snapshot.Engine.Tests.Faults;
using Snapshot.Interop;

namespace Snapshot.Engine.Tests.Group;

/// <summary>
/// Group snapshots on libvirt's test driver with a fake QEMU per domain: the order of the window (every member
/// paused before any resumes), the record, and a failure in the second member rolling back every member.
/// </summary>
public sealed class GroupFaultTests
{
    private const string Group = "cut1";

    [Fact]
    public async Task Every_member_is_paused_before_any_resumes_and_the_group_is_recorded()
    {
        using var node = new GroupNode(new FaultHook(), domains: 3);

        var group = await node.Engine.CreateGroupAsync(Request(node));

        group.Members.Select(m => m.Domain).Should().Equal("m1", "m2", "m3");
        group.CommonPause.Should().BePositive("the last member was paused before the first was resumed");
        group.Spread.Should().BeGreaterThanOrEqualTo(TimeSpan.Zero);
        foreach (var m in node.Names)
        {
            node.StateOf(m).Should().Be((DomainState.Running, node.Path(m + ".img"), 1));
            group.Members.Single(x => x.Domain == m).MemoryFile.Should().Be(node.Path($"{m}.{Group}.mem"));
            File.Exists(node.Path($"{m}.{Group}.vda.qcow2")).Should().BeTrue();
            node.Qemu(m)!.DisksSwitched.Should().BeTrue();
        }
        (await node.Engine.GetGroupAsync(Group)).Should().Be(group, "the record reads back as it was written");
        (await node.Engine.ListGroupsAsync()).Select(g => g.Name).Should().Equal(Group);
        var e = await node.Engine.Invoking(x => x.CreateGroupAsync(Request(node))).Should().ThrowAsync<SnapshotException>();
        e.Which.Kind.Should().Be(SnapshotErrorKind.AlreadyExists);
    }

    [Theory]
    [InlineData("pause")]
    [InlineData("create-overlays")]
    public async Task A_fault_in_the_second_member_before_its_disks_switch_leaves_the_first_as_it_was(string step)
    {
        using var node = new GroupNode(new NthStepFault(step, 2));

        var e = await node.Engine.Invoking(x => x.CreateGroupAsync(Request(node))).Should().ThrowAsync<SnapshotException>();

        e.Which.Kind.Should().Be(SnapshotErrorKind.Failed);
        e.Which.Message.Should().StartWith($"group snapshot '{Group}' failed while ").And.Contain("(domain 'm2'): injected fault")
            .And.Contain("'m1': undone: ").And.Contain("No group was recorded.").And.NotContain("\n");
        foreach (var m in node.Names)
        {
            node.StateOf(m).Should().Be((DomainState.Running, node.Path(m + ".img"), 0), $"{m} is as it was");
            File.Exists(node.Path($"{m}.{Group}.mem")).Should().BeFalse();
            File.Exists(node.Path($"{m}.{Group}.vda.qcow2")).Should().BeFalse();
            node.Qemu(m)!.DisksSwitched.Should().BeFalse();
            node.Qemu(m)!.Capabilities["background-snapshot"].Should().BeFalse();
            node.Qemu(m)!.OpenDescriptors.Should().Be(0);
        }
        (await node.Engine.ListGroupsAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task A_fault_registering_the_second_member_undoes_the_first_members_registration_or_says_it_could_not()
    {
        // The test driver takes no METADATA_ONLY delete (libvirt's QEMU driver does): the undo reports the record
        // it could not drop, keeps the memory file that record needs, and the rollback goes on.
        using var node = new GroupNode(new NthStepFault("register", 2));

        var e = await node.Engine.Invoking(x => x.CreateGroupAsync(Request(node))).Should().ThrowAsync<SnapshotException>();

        e.Which.Message.Should().Contain($"'m1': left: the domain is running; the snapshot '{Group}' could not be dropped from libvirt's metadata (unsupported flags")
            .And.Contain($"virsh snapshot-delete m1 {Group} --metadata").And.Contain($"the memory file {node.Path($"m1.{Group}.mem")} is complete");
        node.StateOf("m1").Snapshots.Should().Be(1);
        File.Exists(node.Path($"m1.{Group}.mem")).Should().BeTrue();
        node.StateOf("m2").Snapshots.Should().Be(0);
        foreach (var m in node.Names)
        {
            node.StateOf(m).State.Should().Be(DomainState.Running);
            node.Qemu(m)!.Capabilities["background-snapshot"].Should().BeFalse();
        }
        (await node.Engine.ListGroupsAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task A_refusal_of_the_second_member_touches_no_member()
    {
        using var node = new GroupNode(new FaultHook(), secondDevices: "<shmem name='ivshmem0'><model type='ivshmem-plain'/><size unit='M'>4</size></shmem>");

        var e = await node.Engine.Invoking(x => x.CreateGroupAsync(Request(node))).Should().ThrowAsync<SnapshotException>();

        e.Which.Kind.Should().Be(SnapshotErrorKind.NotSupported);
        e.Which.Message.Should().StartWith("domain 'm2' has a shared memory device 'ivshmem0'");
        node.Qemu("m1")!.Executed.Should().NotContain("migrate-set-capabilities", "no member is touched before every member is checked");
        node.Qemu("m2")!.Executed.Should().BeEmpty();
        File.Exists(node.Path($"m1.{Group}.mem")).Should().BeFalse();
        node.StateOf("m1").Should().Be((DomainState.Running, node.Path("m1.img"), 0));
    }

    [Fact]
    public async Task Delete_removes_every_members_snapshot_its_files_and_the_record()
    {
        using var node = new GroupNode(new FaultHook());
        await node.Engine.CreateGroupAsync(Request(node));

        await node.Engine.DeleteGroupAsync(Group);

        foreach (var m in node.Names)
        {
            node.StateOf(m).Snapshots.Should().Be(0);
            File.Exists(node.Path($"{m}.{Group}.mem")).Should().BeFalse();
        }
        (await node.Engine.ListGroupsAsync()).Should().BeEmpty();
        var e = await node.Engine.Invoking(x => x.GetGroupAsync(Group)).Should().ThrowAsync<SnapshotException>();
        e.Which.Kind.Should().Be(SnapshotErrorKind.NotFound);
    }

    [Fact]
    public async Task Every_member_journals_its_own_run_while_the_group_works_and_none_is_left_after()
    {
        var seen = new JournalsSeen("create-overlays", 2);
        using var node = new GroupNode(seen);
        seen.Paths = [.. node.Names.Select(m =>
        {
            using var dom = node.Connection.LookupDomain(m);
            return node.Engine.Context.Journals.PathOf(DomainLock.KeyOf(node.Connection.Uri, dom.Uuid));
        })];

        await node.Engine.CreateGroupAsync(Request(node));

        seen.Existed.Should().Equal([true, true], "each member's instant-create run is journaled, as one domain's is");
        seen.Paths.Should().OnlyContain(p => !File.Exists(p), "a group that ended in its process leaves no journal");
    }

    private sealed class JournalsSeen(string step, int nth) : IStepHook
    {
        private int _seen;

        public IReadOnlyList<string> Paths { get; set; } = [];

        public IReadOnlyList<bool> Existed { get; private set; } = [];

        public ValueTask BeforeAsync(StepPoint point, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask AfterAsync(StepPoint point, StepLedger ledger, CancellationToken cancellationToken)
        {
            if (point.Step == step && Interlocked.Increment(ref _seen) == nth)
                Existed = [.. Paths.Select(File.Exists)];
            return ValueTask.CompletedTask;
        }
    }

    [Theory]
    [InlineData("", "the group's name is empty")]
    [InlineData("a/b", "may not contain '/'")]
    [InlineData(".hidden", "nor start with '.'")]
    public async Task A_bad_group_name_is_bad_input(string name, string expected)
    {
        using var node = new GroupNode(new FaultHook());

        var e = await node.Engine.Invoking(x => x.CreateGroupAsync(Request(node) with { Name = name })).Should().ThrowAsync<SnapshotException>();

        e.Which.Kind.Should().Be(SnapshotErrorKind.BadInput);
        e.Which.Message.Should().Contain(expected);
        node.Qemu("m1").Should().BeNull("no member was looked at");
    }

    [Fact]
    public void A_group_name_maps_one_to_one_onto_a_file_name() =>
        GroupStore.Escape("web/db.é %").Should().Be("web%2Fdb%2E%C3%A9%20%25");

    private static SnapshotGroupCreateOptions Request(GroupNode node) => new()
    {
        Name = Group,
        Domains = node.Names,
        Directory = node.Directory,
        Description = "one instant",
    };
}
