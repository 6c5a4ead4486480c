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
        _engine.CreateAsync(Domain, new SnapshotCreateOptions { Name = name, Description = description });

    // a ─ b ─ c
    //  └─ d        (d current)
    private async Task BuildTree()
    {
        await Create("a");
        await Create("b");
        await Create("c");
        _engine.SetCurrent(Domain, "a");
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
        _engine.List(Domain, new SnapshotListFilter()).Select(s => s.Name).Should().Equal(name);
        System.Xml.Linq.XElement.Parse(_engine.GetXml(Domain, name)).Element("name")!.Value.Should().Be(name);
    }

    [Fact]
    public async Task Created_snapshots_carry_state_time_location_and_parent()
    {
        var before = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        await Create("first");
        var second = await Create("second");

        second.State.Should().Be("running");
        second.Location.Should().Be(SnapshotLocation.Internal);
        second.Parent.Should().Be("first");
        second.CreationTimeUnix.Should().BeInRange(before, before + 60);
        second.HasDomainDefinition.Should().BeTrue();
        _engine.GetParent(Domain, "second")!.Name.Should().Be("first");
        _engine.GetParent(Domain, "first").Should().BeNull();
    }

    [Fact]
    public async Task Filters_select_roots_leaves_and_subtrees()
    {
        await BuildTree();

        Names(new()).Should().BeEquivalentTo("a", "b", "c", "d");
        Names(new() { Roots = true }).Should().Equal("a");
        Names(new() { Leaves = true }).Should().BeEquivalentTo("c", "d");
        Names(new() { NoLeaves = true }).Should().BeEquivalentTo("a", "b");
        Names(new() { From = "a" }).Should().BeEquivalentTo("b", "d");
        Names(new() { From = "a", Descendants = true }).Should().BeEquivalentTo("b", "c", "d");
        Names(new() { FromCurrent = true, Descendants = true }).Should().BeEmpty();
        Names(new() { Internal = true }).Should().HaveCount(4);
        Names(new() { External = true }).Should().BeEmpty();

        var topological = Names(new() { Topological = true });
        topological.IndexOf("a").Should().BeLessThan(topological.IndexOf("b"));
        topological.IndexOf("b").Should().BeLessThan(topological.IndexOf("c"));
    }

    [Fact]
    public async Task Info_counts_children_and_descendants()
    {
        await BuildTree();

        var info = _engine.GetInfo(Domain, "a");
        info.Children.Should().Be(2);
        info.Descendants.Should().Be(3);
        info.HasMetadata.Should().BeTrue();
        info.Snapshot.IsCurrent.Should().BeFalse();
        _engine.GetInfo(Domain, "d").Snapshot.IsCurrent.Should().BeTrue();
    }

    [Fact]
    public async Task Setting_current_does_not_revert()
    {
        await Create("one");
        _engine.Connection.LookupDomain(Domain).Suspend();
        await Create("two");

        _engine.SetCurrent(Domain, "one").IsCurrent.Should().BeTrue();

        _engine.GetCurrent(Domain)!.Name.Should().Be("one");
        _engine.Connection.LookupDomain(Domain).GetState().State.Should().Be(DomainState.Paused);
    }

    [Fact]
    public async Task Internal_revert_restores_the_snapshot_state_and_makes_it_current()
    {
        await Create("running-point");
        using var dom = _engine.Connection.LookupDomain(Domain);
        dom.Suspend();
        await Create("paused-point");

        await _engine.RevertAsync(Domain, "running-point", new SnapshotRevertOptions());
        dom.GetState().State.Should().Be(DomainState.Running);
        _engine.GetCurrent(Domain)!.Name.Should().Be("running-point");

        await _engine.RevertAsync(Domain, null, new SnapshotRevertOptions { Target = RevertTarget.Paused });
        dom.GetState().State.Should().Be(DomainState.Paused);
    }

    [Fact]
    public async Task Delete_modes_remove_what_they_name()
    {
        await BuildTree();

        await _engine.DeleteAsync(Domain, "b", new SnapshotDeleteOptions(SnapshotDeleteMode.ChildrenOnly));
        Names(new()).Should().BeEquivalentTo("a", "b", "d");

        await _engine.DeleteAsync(Domain, "a", new SnapshotDeleteOptions());
        Names(new()).Should().BeEquivalentTo("b", "d");
        _engine.Get(Domain, "b").Parent.Should().BeNull("deleting a parent re-parents its children");

        await _engine.DeleteAsync(Domain, "d", new SnapshotDeleteOptions(SnapshotDeleteMode.Children));
        Names(new()).Should().Equal("b");
    }

    [Fact]
    public async Task Missing_domain_and_snapshot_are_not_found()
    {
        var noDomain = () => _engine.List("no-such-domain", new SnapshotListFilter());
        noDomain.Should().Throw<DomainNotFoundException>().Which.Message.Should().Be("failed to get domain 'no-such-domain'");
        SnapshotEngine.Classify(Catch(noDomain)).Should().Be(SnapshotErrorKind.NotFound);

        var noSnapshot = () => _engine.GetInfo(Domain, "nope");
        noSnapshot.Should().Throw<SnapshotNotFoundException>();
        SnapshotEngine.Classify(Catch(noSnapshot)).Should().Be(SnapshotErrorKind.NotFound);
        _engine.GetCurrent(Domain).Should().BeNull();
    }

    [Fact]
    public async Task Bad_requests_change_nothing()
    {
        await Create("keep");
        var before = _engine.GetXml(Domain, "keep");

        var act = () => _engine.CreateAsync(Domain, new SnapshotCreateOptions
        {
            Name = "bad",
            Modifiers = new SnapshotCreateModifiers { Quiesce = true },
        });
        (await act.Should().ThrowAsync<SnapshotException>()).Which.Kind.Should().Be(SnapshotErrorKind.BadInput);

        var list = () => _engine.List(Domain, new SnapshotListFilter { Descendants = true });
        list.Should().Throw<SnapshotException>().Which.Kind.Should().Be(SnapshotErrorKind.BadInput);

        var xml = () => _engine.CreateFromXmlAsync(Domain, "<domainsnapshot><name>x", new SnapshotCreateModifiers());
        (await xml.Should().ThrowAsync<SnapshotException>()).Which.Kind.Should().Be(SnapshotErrorKind.BadInput);

        Names(new()).Should().Equal("keep");
        _engine.GetXml(Domain, "keep").Should().Be(before);
        _engine.GetCurrent(Domain)!.Name.Should().Be("keep");
    }

    [Fact]
    public async Task Create_from_full_xml_and_redefine_as_current()
    {
        await _engine.CreateFromXmlAsync(Domain, "<domainsnapshot><name>from-xml</name><description>d</description></domainsnapshot>", new SnapshotCreateModifiers());
        await Create("later");
        var xml = _engine.GetXml(Domain, "from-xml", securityInfo: true);
        // The test driver has no metadata-only delete; its snapshots are metadata anyway.
        await _engine.DeleteAsync(Domain, "from-xml", new SnapshotDeleteOptions());
        Names(new()).Should().Equal("later");

        var redefined = await _engine.CreateFromXmlAsync(Domain, xml, new SnapshotCreateModifiers { Redefine = true, Current = true });

        redefined.Description.Should().Be("d");
        _engine.GetCurrent(Domain)!.Name.Should().Be("from-xml");
    }

    [Fact]
    public async Task Lifecycle_events_reach_engine_subscribers()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var events = new List<DomainLifecycleEvent>();
        var got = new TaskCompletionSource();
        using var subscription = _engine.Subscribe(Domain, e =>
        {
            lock (events)
                events.Add(e);
            if (e.Type == DomainEventType.Resumed)
                got.TrySetResult();
        });
        using var dom = _engine.Connection.LookupDomain(Domain);

        dom.Suspend();
        dom.Resume();
        await got.Task.WaitAsync(cts.Token);

        lock (events)
            events.Select(e => e.Type).Should().ContainInOrder(DomainEventType.Suspended, DomainEventType.Resumed);
    }

    [Fact]
    public async Task Links_are_the_names_and_parents_of_the_list_in_its_order()
    {
        await BuildTree();
        foreach (var filter in new[] { new SnapshotListFilter(), new SnapshotListFilter { Topological = true }, new SnapshotListFilter { From = "a", Descendants = true } })
        {
            _engine.ListLinks(Domain, filter).Should().Equal(_engine.List(Domain, filter).Select(s => new SnapshotLink(s.Name, s.Parent)));
        }
        _engine.ListLinks(Domain, new SnapshotListFilter()).Should().Contain(new SnapshotLink("a", null)).And.Contain(new SnapshotLink("d", "a"));
    }

    private List<string> Names(SnapshotListFilter filter) => _engine.List(Domain, filter).Select(s => s.Name).ToList();

    private static Exception Catch(Action action)
    {
        try
        {
            action();
        }
        catch (Exception e)
        {
            return e;
        }
        throw new InvalidOperationException("expected an exception");
    }

    private static Exception Catch<T>(Func<T> action) => Catch(() => { _ = action(); });
}
