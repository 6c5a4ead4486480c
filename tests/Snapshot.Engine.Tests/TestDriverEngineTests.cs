using Snapshot.Engine;
using Snapshot.Interop;

namespace Snapshot.Engine.Tests;

/// <summary>
/// The engine's read and write paths on libvirt's in-process test driver: each test gets its own
/// node file, so its own running domain "test" with no snapshots.
/// </summary>
public sealed class TestDriverEngineTests : IDisposable
{
    private const string Domain = "test";
    private readonly TestDriverNode _node = new();
    private readonly SnapshotEngine _engine;

    public TestDriverEngineTests() => _engine = SnapshotEngine.Connect(_node.Uri);

    public void Dispose()
    {
        _engine.Dispose();
        _node.Dispose();
    }

    private Task<SnapshotInfo> Create(string name, string? description = null) =>
        _engine.Domain(Domain).CreateAsync(new SnapshotCreateOptions { Name = name, Description = description });

    // a ─ b ─ c
    //  └─ d        (d current)
    private async Task BuildTree()
    {
        await Create("a");
        await Create("b");
        await Create("c");
        await _engine.Domain(Domain).SetCurrentAsync("a");
        await Create("d");
    }

    [Fact]
    public async Task A_hostile_name_round_trips_through_libvirt()
    {
        const string name = "a&b \"c\" <d>";
        var created = await Create(name, "it's <here> & there");

        created.Name.Should().Be(name);
        created.Description.Should().Be("it's <here> & there");
        created.IsCurrent.Should().BeTrue();
        (await _engine.Domain(Domain).ListAsync()).Select(s => s.Name).Should().Equal(name);
        System.Xml.Linq.XElement.Parse((await _engine.Domain(Domain).GetXmlAsync(name))).Element("name")!.Value.Should().Be(name);
    }

    [Fact]
    public async Task Created_snapshots_carry_state_time_location_and_parent()
    {
        var before = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        await Create("first");
        var second = await Create("second");

        second.State.Should().Be(SnapshotState.Running);
        second.Location.Should().Be(SnapshotLocation.Internal);
        second.Parent.Should().Be("first");
        second.CreationTimeUnix.Should().BeInRange(before, before + 60);
        second.HasDomainDefinition.Should().BeTrue();
        (await _engine.Domain(Domain).GetParentAsync("second"))!.Name.Should().Be("first");
        (await _engine.Domain(Domain).GetParentAsync("first")).Should().BeNull();
    }

    [Fact]
    public async Task Filters_select_roots_leaves_and_subtrees()
    {
        await BuildTree();

        (await Names(new())).Should().BeEquivalentTo("a", "b", "c", "d");
        (await Names(new() { Roots = true })).Should().Equal("a");
        (await Names(new() { Leaves = true })).Should().BeEquivalentTo("c", "d");
        (await Names(new() { NoLeaves = true })).Should().BeEquivalentTo("a", "b");
        (await Names(new() { From = "a" })).Should().BeEquivalentTo("b", "d");
        (await Names(new() { From = "a", Descendants = true })).Should().BeEquivalentTo("b", "c", "d");
        (await Names(new() { FromCurrent = true, Descendants = true })).Should().BeEmpty();
        (await Names(new() { Internal = true })).Should().HaveCount(4);
        (await Names(new() { External = true })).Should().BeEmpty();

        var topological = await Names(new() { Topological = true });
        topological.IndexOf("a").Should().BeLessThan(topological.IndexOf("b"));
        topological.IndexOf("b").Should().BeLessThan(topological.IndexOf("c"));
    }

    [Fact]
    public async Task Info_counts_children_and_descendants()
    {
        await BuildTree();

        var info = (await _engine.Domain(Domain).GetDetailsAsync("a"));
        info.Children.Should().Be(2);
        info.Descendants.Should().Be(3);
        info.HasMetadata.Should().BeTrue();
        info.Snapshot.IsCurrent.Should().BeFalse();
        (await _engine.Domain(Domain).GetDetailsAsync("d")).Snapshot.IsCurrent.Should().BeTrue();
    }

    [Fact]
    public async Task Setting_current_does_not_revert()
    {
        await Create("one");
        _engine.Connection.LookupDomain(Domain).Suspend();
        await Create("two");

        (await _engine.Domain(Domain).SetCurrentAsync("one")).IsCurrent.Should().BeTrue();

        (await _engine.Domain(Domain).GetCurrentAsync())!.Name.Should().Be("one");
        _engine.Connection.LookupDomain(Domain).GetState().State.Should().Be(DomainState.Paused);
    }

    [Fact]
    public async Task Internal_revert_restores_the_snapshot_state_and_makes_it_current()
    {
        await Create("running-point");
        using var dom = _engine.Connection.LookupDomain(Domain);
        dom.Suspend();
        await Create("paused-point");

        await _engine.Domain(Domain).RevertAsync("running-point");
        dom.GetState().State.Should().Be(DomainState.Running);
        (await _engine.Domain(Domain).GetCurrentAsync())!.Name.Should().Be("running-point");

        await _engine.Domain(Domain).RevertToCurrentAsync(new SnapshotRevertOptions { Target = RevertTarget.Paused });
        dom.GetState().State.Should().Be(DomainState.Paused);
    }

    [Fact]
    public async Task Delete_modes_remove_what_they_name()
    {
        await BuildTree();

        await _engine.Domain(Domain).DeleteAsync("b", new SnapshotDeleteOptions(SnapshotDeleteMode.ChildrenOnly));
        (await Names(new())).Should().BeEquivalentTo("a", "b", "d");

        await _engine.Domain(Domain).DeleteAsync("a");
        (await Names(new())).Should().BeEquivalentTo("b", "d");
        (await _engine.Domain(Domain).GetAsync("b")).Parent.Should().BeNull("deleting a parent re-parents its children");

        await _engine.Domain(Domain).DeleteAsync("d", new SnapshotDeleteOptions(SnapshotDeleteMode.Children));
        (await Names(new())).Should().Equal("b");
    }

    [Fact]
    public async Task Missing_domain_and_snapshot_are_not_found()
    {
        // One type for both, the kind NotFound, libvirt's exception inside.
        var noDomain = () => _engine.DomainFromOperand("no-such-domain").ListAsync();
        var domainMissing = (await noDomain.Should().ThrowExactlyAsync<SnapshotException>()).Which;
        domainMissing.Message.Should().Be("failed to get domain 'no-such-domain'");
        domainMissing.Kind.Should().Be(SnapshotErrorKind.NotFound);
        domainMissing.InnerException.Should().BeOfType<DomainNotFoundException>();
        var byName = () => _engine.Domain("no-such-domain").GetCurrentAsync();
        (await byName.Should().ThrowExactlyAsync<SnapshotException>()).Which.Kind.Should().Be(SnapshotErrorKind.NotFound);

        var noSnapshot = () => _engine.Domain(Domain).GetDetailsAsync("nope");
        var snapshotMissing = (await noSnapshot.Should().ThrowExactlyAsync<SnapshotException>()).Which;
        snapshotMissing.Kind.Should().Be(SnapshotErrorKind.NotFound);
        snapshotMissing.InnerException.Should().BeOfType<SnapshotNotFoundException>();
        (await _engine.Domain(Domain).FindAsync("nope")).Should().BeNull();
        (await _engine.Domain(Domain).GetCurrentAsync()).Should().BeNull();
    }

    [Fact]
    public async Task Bad_requests_change_nothing()
    {
        await Create("keep");
        var before = (await _engine.Domain(Domain).GetXmlAsync("keep"));

        var act = () => _engine.Domain(Domain).CreateAsync(new SnapshotCreateOptions
        {
            Name = "bad",
            Modifiers = new SnapshotCreateModifiers { Quiesce = true },
        });
        (await act.Should().ThrowAsync<SnapshotException>()).Which.Kind.Should().Be(SnapshotErrorKind.BadInput);

        var list = () => _engine.Domain(Domain).ListAsync(new SnapshotListFilter { Descendants = true });
        (await list.Should().ThrowAsync<SnapshotException>()).Which.Kind.Should().Be(SnapshotErrorKind.BadInput);

        var xml = () => _engine.Domain(Domain).CreateFromXmlAsync("<domainsnapshot><name>x", new SnapshotCreateModifiers());
        (await xml.Should().ThrowAsync<SnapshotException>()).Which.Kind.Should().Be(SnapshotErrorKind.BadInput);

        (await Names(new())).Should().Equal("keep");
        (await _engine.Domain(Domain).GetXmlAsync("keep")).Should().Be(before);
        (await _engine.Domain(Domain).GetCurrentAsync())!.Name.Should().Be("keep");
    }

    [Fact]
    public async Task Create_from_full_xml_and_redefine_as_current()
    {
        await _engine.Domain(Domain).CreateFromXmlAsync("<domainsnapshot><name>from-xml</name><description>d</description></domainsnapshot>", new SnapshotCreateModifiers());
        await Create("later");
        var xml = (await _engine.Domain(Domain).GetXmlAsync("from-xml", securityInfo: true));
        // The test driver has no metadata-only delete; its snapshots are metadata anyway.
        await _engine.Domain(Domain).DeleteAsync("from-xml");
        (await Names(new())).Should().Equal("later");

        var redefined = await _engine.Domain(Domain).CreateFromXmlAsync(xml, new SnapshotCreateModifiers { Redefine = true, Current = true });

        redefined.Description.Should().Be("d");
        (await _engine.Domain(Domain).GetCurrentAsync())!.Name.Should().Be("from-xml");
    }

    [Fact]
    public async Task Lifecycle_events_reach_engine_subscribers()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var events = new List<LifecycleEvent>();
        var got = new TaskCompletionSource();
        using var subscription = _engine.Domain(Domain).Subscribe(e =>
        {
            lock (events)
                events.Add(e);
            if (e.Type == LifecycleEventType.Resumed)
                got.TrySetResult();
        });
        using var dom = _engine.Connection.LookupDomain(Domain);

        dom.Suspend();
        dom.Resume();
        await got.Task.WaitAsync(cts.Token);

        lock (events)
            events.Select(e => e.Type).Should().ContainInOrder(LifecycleEventType.Suspended, LifecycleEventType.Resumed);
    }

    [Fact]
    public async Task Links_are_the_names_and_parents_of_the_list_in_its_order()
    {
        await BuildTree();
        foreach (var filter in new[] { new SnapshotListFilter(), new SnapshotListFilter { Topological = true }, new SnapshotListFilter { From = "a", Descendants = true } })
        {
            (await _engine.Domain(Domain).ListLinksAsync(filter)).Should().Equal((await _engine.Domain(Domain).ListAsync(filter)).Select(s => new SnapshotLink(s.Name, s.Parent)));
        }
        (await _engine.Domain(Domain).ListLinksAsync()).Should().Contain(new SnapshotLink("a", null)).And.Contain(new SnapshotLink("d", "a"));
    }

    private async Task<List<string>> Names(SnapshotListFilter filter) => (await _engine.Domain(Domain).ListAsync(filter)).Select(s => s.Name).ToList();
}
