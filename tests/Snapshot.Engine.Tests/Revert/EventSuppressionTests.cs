using Microsoft.Extensions.Logging.Abstractions;
using Snapshot.Interop;

namespace Snapshot.Engine.Tests.Revert;

/// <summary>The window in which a revert holds back a domain's raw events, on libvirt's test driver.</summary>
public sealed class EventSuppressionTests : IDisposable
{
    private static readonly TimeSpan Short = TimeSpan.FromMilliseconds(300);
    private readonly TestDriverNode _node = new();

    public void Dispose() => _node.Dispose();

    [Fact]
    public async Task A_wait_ends_only_once_every_awaited_event_has_come_after_its_mark()
    {
        using var connection = LibvirtConnection.Open(_node.Uri);
        using var dom = connection.LookupDomain("test");
        var hub = new EventHub(new UserCallbacks(NullLogger.Instance));
        using var held = hub.Suppress(connection, dom);

        // An event seen before the mark does not count: it belongs to an earlier step.
        held.Observe(Raw(dom, DomainEventType.Started, (int)DomainEventStartedDetail.Booted));
        var mark = held.Mark();
        held.Observe(Raw(dom, DomainEventType.Resumed, (int)DomainEventResumedDetail.Unpaused));
        (await held.WaitForAsync([DomainEventType.Resumed, DomainEventType.Started], mark, Short)).Should().BeFalse(
            "a boot's Resumed comes before its Started: the Started is still on its way");
        held.Observe(Raw(dom, DomainEventType.Started, (int)DomainEventStartedDetail.Booted));
        (await held.WaitForAsync([DomainEventType.Resumed, DomainEventType.Started], mark, Short)).Should().BeTrue();
    }

    [Fact]
    public async Task The_raw_events_of_a_step_reach_no_subscriber_while_held_and_later_ones_do()
    {
        using var connection = LibvirtConnection.Open(_node.Uri);
        using var dom = connection.LookupDomain("test");
        var hub = new EventHub(new UserCallbacks(NullLogger.Instance));
        var seen = new List<string>();
        using var subscriber = hub.Attach(connection, dom, dom.Uuid, e =>
        {
            lock (seen)
                seen.Add(e.Type.ToString());
        });

        using (var held = hub.Suppress(connection, dom))
        {
            var mark = held.Mark();
            dom.Suspend();
            dom.Resume();
            (await held.WaitForAsync([DomainEventType.Suspended, DomainEventType.Resumed], mark, TimeSpan.FromSeconds(10))).Should().BeTrue();
        }
        dom.Suspend();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            lock (seen)
            {
                if (seen.Count > 0)
                    break;
            }
            await Task.Delay(20);
        }
        await Task.Delay(200);
        lock (seen)
            seen.Should().Equal("Suspended");
    }

    private static DomainLifecycleEvent Raw(LibvirtDomain dom, DomainEventType type, int detail) =>
        new(dom.Name, dom.Uuid, type, detail, DateTimeOffset.UtcNow);
}
