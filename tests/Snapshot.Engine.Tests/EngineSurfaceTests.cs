using Microsoft.Extensions.Logging.Abstractions;
using Snapshot.Interop;

namespace Snapshot.Engine.Tests;

/// <summary>What a .NET caller meets at the engine's boundary, on libvirt's test driver.</summary>
public sealed class EngineSurfaceTests : IDisposable
{
    private const string Domain = "test";
    private readonly TestDriverNode _node = new();
    private readonly SnapshotEngine _engine;

    public EngineSurfaceTests() => _engine = SnapshotEngine.Connect(_node.Uri);

    public void Dispose()
    {
        _engine.Dispose();
        _node.Dispose();
    }

    [Fact]
    public async Task A_throwing_handler_stops_neither_the_events_nor_the_engines_own_published_ones()
    {
        using var connection = LibvirtConnection.Open(_node.Uri);
        using var dom = connection.LookupDomain(Domain);
        var hub = new EventHub(new UserCallbacks(NullLogger.Instance));
        var seen = new List<LifecycleEvent>();
        using var throwing = hub.Attach(connection, dom, dom.Uuid, _ => throw new InvalidOperationException("a caller's bug"));
        using var counting = hub.Attach(connection, dom, dom.Uuid, e =>
        {
            lock (seen)
                seen.Add(e);
        });

        // As a revert publishes its synthesized events: on the reverting thread, which must go on.
        var publish = () => hub.Publish(new DomainLifecycleEvent(Domain, dom.Uuid, DomainEventType.Stopped, (int)DomainEventStoppedDetail.FromSnapshot, DateTimeOffset.UtcNow));
        publish.Should().NotThrow();
        dom.Suspend();
        dom.Resume();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            lock (seen)
            {
                if (seen.Any(e => e.Type == LifecycleEventType.Resumed))
                    break;
            }
            await Task.Delay(20);
        }

        lock (seen)
        {
            seen.Select(e => e.Detail).Should().ContainInOrder(
                LifecycleEventDetail.StoppedFromSnapshot, LifecycleEventDetail.SuspendedPaused, LifecycleEventDetail.ResumedUnpaused);
            seen[0].DetailName.Should().Be("FromSnapshot");
            seen[0].DetailCode.Should().Be((int)DomainEventStoppedDetail.FromSnapshot);
        }
    }

    [Fact]
    public async Task Events_between_the_watch_call_and_the_first_read_are_kept()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var handle = _engine.Domain(Domain);
        var events = handle.WatchEventsAsync(cts.Token);
        await handle.SuspendAsync();
        await handle.ResumeAsync();

        var types = new List<LifecycleEventType>();
        await foreach (var e in events)
        {
            types.Add(e.Type);
            if (e.Type == LifecycleEventType.Resumed)
                break;
        }
        types.Should().ContainInOrder(LifecycleEventType.Suspended, LifecycleEventType.Resumed);
    }

    [Fact]
    public async Task Domain_names_list_the_active_and_the_inactive_ones_in_order()
    {
        // A test:///path node's state is per connection: define on the engine's own.
        using var defined = _engine.Connection.DefineDomain(
            "<domain type='test'><name>a-defined</name><memory unit='MiB'>64</memory><os><type arch='x86_64'>hvm</type></os></domain>");
        (await _engine.ListDomainNamesAsync()).Should().Equal("a-defined", "test");
    }

    [Fact]
    public async Task A_domain_named_like_an_id_is_found_by_name_and_the_operand_keeps_virshs_order()
    {
        // The test driver's running domain "test" has ID 1.
        var byId = await _engine.Domain(1).ListAsync();
        byId.Should().BeEmpty();
        var byName = () => _engine.Domain("1").ListAsync();
        (await byName.Should().ThrowExactlyAsync<SnapshotException>()).Which.Kind.Should().Be(SnapshotErrorKind.NotFound);
        (await _engine.DomainFromOperand("1").ListAsync()).Should().BeEmpty("virsh's operand tries an ID first");
    }

    [Fact]
    public async Task Kinds_name_a_taken_name_and_a_read_only_refusal()
    {
        await _engine.Domain(Domain).CreateAsync(new SnapshotCreateOptions { Name = "taken" });
        var again = () => _engine.Domain(Domain).CreateAsync(new SnapshotCreateOptions { Name = "taken" });
        var taken = (await again.Should().ThrowExactlyAsync<SnapshotException>()).Which;
        taken.Kind.Should().Be(SnapshotErrorKind.AlreadyExists);
        taken.InnerException.Should().BeAssignableTo<LibvirtException>();

        using var readOnly = SnapshotEngine.Connect(_node.Uri, readOnly: true);
        var create = () => readOnly.Domain(Domain).CreateAsync(new SnapshotCreateOptions { Name = "denied" });
        (await create.Should().ThrowExactlyAsync<SnapshotException>()).Which.Kind.Should().Be(SnapshotErrorKind.AccessDenied);
    }

    [Fact]
    public async Task Reverting_to_the_current_snapshot_has_its_own_call_and_needs_no_options()
    {
        await _engine.Domain(Domain).CreateAsync(new SnapshotCreateOptions { Name = "here" });
        var reverted = await _engine.Domain(Domain).RevertToCurrentAsync();
        reverted.Name.Should().Be("here");
        reverted.IsCurrent.Should().BeTrue();
        (await _engine.Domain(Domain).FindAsync("here")).Should().Be(reverted, "two reads of one snapshot are equal");
    }

    [Fact]
    public async Task A_disposed_engine_names_itself()
    {
        var engine = SnapshotEngine.Connect(_node.Uri);
        var handle = engine.Domain(Domain);
        engine.Dispose();
        var list = () => handle.ListAsync();
        (await list.Should().ThrowAsync<ObjectDisposedException>()).Which.ObjectName.Should().Be(typeof(SnapshotEngine).FullName);
        var domain = () => engine.Domain(Domain);
        domain.Should().Throw<ObjectDisposedException>();
    }

    [Fact]
    public void The_engine_can_be_faked_through_its_interfaces()
    {
        typeof(SnapshotEngine).Should().Implement<ISnapshotEngine>();
        typeof(SnapshotDomain).Should().Implement<ISnapshotDomain>();
        typeof(ISnapshotEngine).GetMethods().Should().OnlyContain(m => !m.GetParameters().Any(p => p.ParameterType.Namespace == "Snapshot.Interop")
            && m.ReturnType.Namespace != "Snapshot.Interop", "fakes need no libvirt types");
    }
}
