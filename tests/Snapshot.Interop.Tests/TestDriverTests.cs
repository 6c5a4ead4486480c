using System.Collections.Concurrent;
using System.Xml.Linq;

namespace Snapshot.Interop.Tests;

/// <summary>
/// Fast tests on libvirt's in-process test driver. Note: test:///default is one shared driver instance for
/// every connection open at the same time in the process (it resets only when the last one closes), so each
/// test puts the state back in <see cref="Dispose"/>.
/// </summary>
public sealed class TestDriverTests : IDisposable
{
    private const string TestUuid = "6695eb01-f6a4-8304-79aa-97f2502e193f";
    private static readonly TimeSpan EventTimeout = TimeSpan.FromSeconds(10);
    private readonly LibvirtConnection _conn = LibvirtConnection.Open("test:///default");

    public void Dispose()
    {
        using (var conn = LibvirtConnection.Open("test:///default"))
        {
            foreach (var dom in conn.ListAllDomains())
            {
                using (dom)
                {
                    if (dom.Name != "test")
                    {
                        if (dom.IsActive)
                        {
                            dom.Destroy();
                        }

                        if (dom.IsPersistent)
                        {
                            dom.Undefine();
                        }

                        continue;
                    }

                    foreach (var snapshot in dom.ListAllSnapshots(SnapshotListFlags.Roots))
                    {
                        using (snapshot)
                        {
                            snapshot.Delete(SnapshotDeleteFlags.Children);
                        }
                    }

                    if (dom.GetState().State == DomainState.Paused)
                    {
                        dom.Resume();
                    }
                }
            }
        }

        _conn.Dispose();
    }

    private static string DomainXml(string name) =>
        $"<domain type='test'><name>{name}</name><memory unit='MiB'>64</memory><os><type>hvm</type></os></domain>";

    [Fact]
    public void Versions_are_libvirt_9()
    {
        LibvirtConnection.LibraryVersion.Major.Should().BeGreaterThanOrEqualTo(9);
        _conn.DaemonVersion.Should().Be(LibvirtConnection.LibraryVersion);
        _conn.HypervisorVersion.Should().BeGreaterThan(new Version(0, 0, 0));
        _conn.HypervisorType.Should().Be("TEST");
    }

    [Fact]
    public void Connection_reports_uri_hostname_capabilities_and_liveness()
    {
        _conn.Uri.Should().Be("test:///default");
        _conn.Hostname.Should().Be(Environment.MachineName);
        XDocument.Parse(_conn.GetCapabilities()).Root!.Name.LocalName.Should().Be("capabilities");
        _conn.IsAlive.Should().BeTrue();
    }

    [Fact]
    public void Read_only_connection_refuses_to_change_anything()
    {
        using var ro = LibvirtConnection.Open("test:///default", ConnectFlags.ReadOnly);
        using var dom = ro.LookupDomain("test");
        var act = dom.Suspend;
        act.Should().Throw<LibvirtException>().Which.Code.Should().Be(LibvirtErrorCode.OperationDenied);
    }

    [Fact]
    public void Looking_up_a_missing_domain_throws_DomainNotFoundException_with_libvirts_message()
    {
        var act = () => _conn.LookupDomain("no-such-domain");
        var ex = act.Should().Throw<DomainNotFoundException>().Which;
        ex.Message.Should().Be("Domain not found");
        ex.Code.Should().Be(LibvirtErrorCode.NoDomain);
        ((int)ex.Code).Should().Be(42);
        ex.ErrorDomain.Should().Be(LibvirtErrorDomain.Test);
        ex.Level.Should().Be(LibvirtErrorLevel.Error);
    }

    [Fact]
    public void Looking_up_a_missing_uuid_throws_DomainNotFoundException()
    {
        var act = () => _conn.LookupDomain(Guid.Parse("00000000-0000-0000-0000-000000000001"));
        act.Should().Throw<DomainNotFoundException>().Which.Code.Should().Be(LibvirtErrorCode.NoDomain);
    }

    [Fact]
    public void A_running_domain_is_found_by_its_id_and_a_missing_id_is_DomainNotFound()
    {
        using var byId = _conn.LookupDomain(1);
        byId.Name.Should().Be("test");

        var act = () => _conn.LookupDomain(99);
        act.Should().Throw<DomainNotFoundException>().Which.Code.Should().Be(LibvirtErrorCode.NoDomain);
    }

    [Fact]
    public void A_uuid_string_is_parsed_by_libvirt_leniently_and_a_non_uuid_is_invalid_arg()
    {
        // libvirt takes hyphens or spaces between digit pairs and blanks around; Guid.Parse does not.
        using var spaced = _conn.LookupDomainByUuidString("  " + TestUuid.Replace("-", "", StringComparison.Ordinal) + "  ");
        spaced.Name.Should().Be("test");

        var missing = () => _conn.LookupDomainByUuidString("00000000-0000-0000-0000-000000000001");
        missing.Should().Throw<DomainNotFoundException>();
        var invalid = () => _conn.LookupDomainByUuidString("not-a-uuid-but-36-characters-long!!!");
        invalid.Should().Throw<LibvirtException>().Which.Code.Should().Be(LibvirtErrorCode.InvalidArg);
    }

    [Fact]
    public void The_error_is_cleared_after_translation()
    {
        Assert.Throws<DomainNotFoundException>(() => _conn.LookupDomain("missing"));
        LibvirtError.HasPendingError.Should().BeFalse();
    }

    [Fact]
    public void Default_domain_is_found_by_name_and_uuid()
    {
        using var byName = _conn.LookupDomain("test");
        byName.Name.Should().Be("test");
        byName.Uuid.Should().Be(Guid.Parse(TestUuid));
        byName.Id.Should().Be(1);
        byName.IsActive.Should().BeTrue();
        byName.IsPersistent.Should().BeTrue();
        byName.Connection.Should().BeSameAs(_conn);

        using var byUuid = _conn.LookupDomain(Guid.Parse(TestUuid));
        byUuid.Name.Should().Be("test");
    }

    [Fact]
    public void State_and_reason_are_typed()
    {
        using var dom = _conn.LookupDomain("test");
        var state = dom.GetState();
        state.State.Should().Be(DomainState.Running);
        state.ReasonValue.Should().BeOfType<DomainRunningReason>();
        dom.Suspend();
        dom.GetState().Should().Be(new DomainStateInfo(DomainState.Paused, (int)DomainPausedReason.User));
        dom.Resume();
        dom.GetState().State.Should().Be(DomainState.Running);
    }

    [Fact]
    public void Xml_description_names_the_domain()
    {
        using var dom = _conn.LookupDomain("test");
        var xml = XDocument.Parse(dom.GetXmlDesc(DomainXmlFlags.Inactive));
        xml.Root!.Element("name")!.Value.Should().Be("test");
        xml.Root.Element("uuid")!.Value.Should().Be(TestUuid);
    }

    [Fact]
    public void List_all_domains_filters_by_state()
    {
        _conn.ListAllDomains().Select(d => d.Name).Should().Equal("test");
        _conn.ListAllDomains(ListDomainsFlags.Inactive).Should().BeEmpty();
        using var defined = _conn.DefineDomain(DomainXml("listed"));
        _conn.ListAllDomains(ListDomainsFlags.Inactive).Select(d => d.Name).Should().Equal("listed");
        _conn.ListAllDomains(ListDomainsFlags.Active | ListDomainsFlags.Inactive).Should().HaveCount(2);
    }

    [Fact]
    public void Define_create_destroy_undefine()
    {
        using var dom = _conn.DefineDomain(DomainXml("defined"));
        dom.IsActive.Should().BeFalse();
        dom.Id.Should().Be(-1);
        dom.GetState().Should().Be(new DomainStateInfo(DomainState.Shutoff, (int)DomainShutoffReason.Unknown));

        dom.Create();
        dom.IsActive.Should().BeTrue();
        dom.Id.Should().BePositive();
        dom.GetState().Should().Be(new DomainStateInfo(DomainState.Running, (int)DomainRunningReason.Booted));

        var again = () => dom.Create();
        var ex = again.Should().Throw<LibvirtException>().Which;
        ex.Message.Should().Be("internal error: Domain 'defined' is already running");
        ex.Code.Should().Be(LibvirtErrorCode.InternalError);

        var resumeRunning = dom.Resume;
        resumeRunning.Should().Throw<LibvirtException>().Which.Message.Should().Be("internal error: domain 'defined' not paused");

        dom.Destroy();
        dom.GetState().Should().Be(new DomainStateInfo(DomainState.Shutoff, (int)DomainShutoffReason.Destroyed));
        var destroyAgain = () => dom.Destroy();
        var invalid = destroyAgain.Should().Throw<OperationInvalidException>().Which;
        invalid.Message.Should().Be("Requested operation is not valid: domain is not running");
        invalid.Code.Should().Be(LibvirtErrorCode.OperationInvalid);
        dom.Undefine();

        var gone = () => _conn.LookupDomain("defined");
        gone.Should().Throw<DomainNotFoundException>();
    }

    [Fact]
    public void Invalid_xml_is_reported()
    {
        var act = () => _conn.DefineDomain("<domain");
        var ex = act.Should().Throw<LibvirtException>().Which;
        ex.Code.Should().Be(LibvirtErrorCode.XmlDetail);
        ex.ErrorDomain.Should().Be(LibvirtErrorDomain.Domain);
        ex.Message.Should().StartWith("(domain_definition):1: Couldn't find end of Start Tag domain");
    }

    [Fact]
    public void Suspend_and_resume_raise_lifecycle_events_through_SubscribeLifecycle()
    {
        using var dom = _conn.LookupDomain("test");
        var events = new BlockingCollection<DomainLifecycleEvent>();
        using (_conn.SubscribeLifecycle(dom, events.Add))
        {
            dom.Suspend();
            dom.Resume();

            events.TryTake(out var suspended, EventTimeout).Should().BeTrue();
            suspended!.DomainName.Should().Be("test");
            suspended.DomainUuid.Should().Be(Guid.Parse(TestUuid));
            suspended.Type.Should().Be(DomainEventType.Suspended);
            suspended.DetailValue.Should().Be(DomainEventSuspendedDetail.Paused);
            suspended.DetailName.Should().Be("Paused");
            suspended.ToString().Should().Be("event 'lifecycle' for domain 'test': Suspended Paused");

            events.TryTake(out var resumed, EventTimeout).Should().BeTrue();
            resumed!.Type.Should().Be(DomainEventType.Resumed);
            resumed.DetailValue.Should().Be(DomainEventResumedDetail.Unpaused);
        }

        dom.Suspend();
        events.TryTake(out _, TimeSpan.FromMilliseconds(300)).Should().BeFalse("the subscription was disposed");
    }

    [Fact]
    public async Task Lifecycle_events_arrive_through_WatchLifecycleAsync()
    {
        using var dom = _conn.DefineDomain(DomainXml("watched"));
        using var cts = new CancellationTokenSource(EventTimeout);
        await using var watch = _conn.WatchLifecycleAsync(null, cts.Token).GetAsyncEnumerator(cts.Token);
        var first = watch.MoveNextAsync(); // registers the callback

        dom.Create();
        dom.Destroy();

        (await first).Should().BeTrue();
        watch.Current.Should().Match<DomainLifecycleEvent>(e => e.DomainName == "watched" && e.Type == DomainEventType.Started);
        watch.Current.DetailValue.Should().Be(DomainEventStartedDetail.Booted);
        (await watch.MoveNextAsync()).Should().BeTrue();
        watch.Current.Type.Should().Be(DomainEventType.Stopped);
        watch.Current.DetailValue.Should().Be(DomainEventStoppedDetail.Destroyed);
    }

    [Fact]
    public async Task WatchLifecycleAsync_ends_on_cancellation()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        var act = async () =>
        {
            await foreach (var unused in _conn.WatchLifecycleAsync(null, cts.Token))
            {
            }
        };
        await act.Should().ThrowAsync<OperationCanceledException>();
    }

    [Fact]
    public void Snapshots_create_list_lookup_and_navigate()
    {
        using var dom = _conn.LookupDomain("test");
        dom.HasCurrentSnapshot.Should().BeFalse();
        dom.SnapshotCount().Should().Be(0);
        var noCurrent = dom.GetCurrentSnapshot;
        noCurrent.Should().Throw<SnapshotNotFoundException>();

        using var s1 = dom.CreateSnapshot("<domainsnapshot><name>s1</name><description>first</description></domainsnapshot>");
        using var s2 = dom.CreateSnapshot("<domainsnapshot><name>s2</name></domainsnapshot>");
        s1.Name.Should().Be("s1");
        s1.Domain.Should().BeSameAs(dom);
        s2.IsCurrent.Should().BeTrue();
        s1.IsCurrent.Should().BeFalse();
        s1.HasMetadata.Should().BeTrue();

        dom.SnapshotCount().Should().Be(2);
        dom.SnapshotCount(SnapshotListFlags.Roots).Should().Be(1);
        dom.ListSnapshotNames().Should().BeEquivalentTo("s1", "s2");
        dom.ListAllSnapshots().Select(s => s.Name).Should().BeEquivalentTo("s1", "s2");
        dom.ListAllSnapshots(SnapshotListFlags.Leaves).Select(s => s.Name).Should().Equal("s2");

        dom.HasCurrentSnapshot.Should().BeTrue();
        using (var current = dom.GetCurrentSnapshot())
        {
            current.Name.Should().Be("s2");
        }

        using (var parent = s2.GetParent())
        {
            parent.Name.Should().Be("s1");
        }

        var rootParent = s1.GetParent;
        rootParent.Should().Throw<SnapshotNotFoundException>().Which.Code.Should().Be(LibvirtErrorCode.NoDomainSnapshot);

        s1.ChildCount().Should().Be(1);
        s1.ListAllChildren().Select(s => s.Name).Should().Equal("s2");
        s2.ChildCount().Should().Be(0);

        var xml = XDocument.Parse(s1.GetXmlDesc());
        xml.Root!.Element("name")!.Value.Should().Be("s1");
        xml.Root.Element("description")!.Value.Should().Be("first");
        xml.Root.Element("state")!.Value.Should().Be("running");

        using var looked = dom.LookupSnapshot("s2");
        looked.GetParent().Name.Should().Be("s1");
    }

    [Fact]
    public void Looking_up_a_missing_snapshot_throws_SnapshotNotFoundException_with_libvirts_message()
    {
        using var dom = _conn.LookupDomain("test");
        var act = () => dom.LookupSnapshot("nope");
        var ex = act.Should().Throw<SnapshotNotFoundException>().Which;
        ex.Code.Should().Be(LibvirtErrorCode.NoDomainSnapshot);
        ex.Message.Should().StartWith("Domain snapshot not found");
    }

    [Fact]
    public void Revert_restores_state_and_makes_the_snapshot_current()
    {
        using var dom = _conn.LookupDomain("test");
        using var running = dom.CreateSnapshot("<domainsnapshot><name>running</name></domainsnapshot>");
        dom.Suspend();
        using var paused = dom.CreateSnapshot("<domainsnapshot><name>paused</name></domainsnapshot>");
        dom.Resume();

        var events = new BlockingCollection<DomainLifecycleEvent>();
        using var sub = _conn.SubscribeLifecycle(dom, events.Add);
        paused.Revert();
        dom.GetState().State.Should().Be(DomainState.Paused);
        paused.IsCurrent.Should().BeTrue();
        running.Revert();
        dom.GetState().State.Should().Be(DomainState.Running);
        running.IsCurrent.Should().BeTrue();

        var seen = new List<DomainLifecycleEvent>();
        while (events.TryTake(out var e, TimeSpan.FromSeconds(1)))
        {
            seen.Add(e);
        }

        seen.Should().Contain(e => e.Type == DomainEventType.Suspended && e.DetailName == "FromSnapshot");
    }

    [Fact]
    public void Delete_removes_snapshots_and_their_children()
    {
        using var dom = _conn.LookupDomain("test");
        using var a = dom.CreateSnapshot("<domainsnapshot><name>a</name></domainsnapshot>");
        using var b = dom.CreateSnapshot("<domainsnapshot><name>b</name></domainsnapshot>");
        using var c = dom.CreateSnapshot("<domainsnapshot><name>c</name></domainsnapshot>");
        b.Delete();
        dom.ListSnapshotNames().Should().BeEquivalentTo("a", "c");
        using (var parent = c.GetParent())
        {
            parent.Name.Should().Be("a", "deleting b reparents c");
        }

        a.Delete(SnapshotDeleteFlags.Children);
        dom.SnapshotCount().Should().Be(0);
        var act = () => a.GetXmlDesc();
        act.Should().Throw<SnapshotNotFoundException>();
    }

    [Fact]
    public void A_domain_outlives_its_disposed_connection_wrapper()
    {
        var conn = LibvirtConnection.Open("test:///default");
        using var dom = conn.LookupDomain("test");
        conn.Dispose();
        dom.Name.Should().Be("test");
        dom.IsActive.Should().BeTrue();
    }

    [Fact]
    public void Using_a_disposed_domain_throws_ObjectDisposedException()
    {
        var dom = _conn.LookupDomain("test");
        dom.Dispose();
        var act = () => dom.Name;
        act.Should().Throw<ObjectDisposedException>();
    }

    [Fact]
    public void Unknown_uri_fails_with_libvirts_message()
    {
        var act = () => LibvirtConnection.Open("nosuchdriver:///x");
        var ex = act.Should().Throw<LibvirtException>().Which;
        ex.Code.Should().Be(LibvirtErrorCode.NoConnect);
        ex.Message.Should().NotBeNullOrWhiteSpace();
    }

    [Fact]
    public void Several_subscribers_share_the_native_registration_and_a_failing_handler_harms_no_one()
    {
        using var dom = _conn.LookupDomain("test");
        var first = new BlockingCollection<DomainLifecycleEvent>();
        var second = new BlockingCollection<DomainLifecycleEvent>();
        var all = new BlockingCollection<DomainLifecycleEvent>();
        using var a = _conn.SubscribeLifecycle(dom, first.Add);
        using var failing = _conn.SubscribeLifecycle(dom, _ => throw new InvalidOperationException("handler bug"));
        using var b = _conn.SubscribeLifecycle(dom, second.Add);
        using var everything = _conn.SubscribeLifecycle(null, all.Add);

        dom.Suspend();
        first.TryTake(out var e1, EventTimeout).Should().BeTrue();
        second.TryTake(out var e2, EventTimeout).Should().BeTrue();
        all.TryTake(out var e3, EventTimeout).Should().BeTrue();
        e1!.Type.Should().Be(DomainEventType.Suspended);
        e2.Should().Be(e1);
        e3!.Type.Should().Be(DomainEventType.Suspended);

        a.Dispose();
        dom.Resume();
        second.TryTake(out var resumed, EventTimeout).Should().BeTrue();
        resumed!.Type.Should().Be(DomainEventType.Resumed);
        first.TryTake(out _, TimeSpan.FromMilliseconds(200)).Should().BeFalse();
    }

    [Fact]
    public void A_subscription_keeps_the_connection_open()
    {
        var conn = LibvirtConnection.Open("test:///default");
        var events = new BlockingCollection<DomainLifecycleEvent>();
        var subscription = conn.SubscribeLifecycle(null, events.Add);
        conn.Dispose();

        using (var other = LibvirtConnection.Open("test:///default"))
        using (var dom = other.DefineDomain(DomainXml("kept-open")))
        {
            events.TryTake(out var defined, EventTimeout).Should().BeTrue();
            defined!.Type.Should().Be(DomainEventType.Defined);
            defined.DetailValue.Should().Be(DomainEventDefinedDetail.Added);
            dom.Undefine();
        }

        subscription.Dispose();
        subscription.Dispose();
    }

    [Fact]
    public async Task Connection_is_usable_from_many_threads()
    {
        var tasks = Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < 50; i++)
            {
                using var dom = _conn.LookupDomain("test");
                dom.Name.Should().Be("test");
                Assert.Throws<DomainNotFoundException>(() => _conn.LookupDomain("missing"));
            }
        }));
        await Task.WhenAll(tasks);
    }
}
