using Snapshot.Engine;

namespace Snapshot.Docs.Tests.Examples;

public static class Events
{
    // begin-snippet: watch-events
    public static async Task WatchAsync(SnapshotEngine engine, string domain, CancellationToken cancellationToken)
    {
        // Registered by this call, until cancelled (the loop then ends with OperationCanceledException).
        // engine.WatchEventsAsync(token): every domain.
        await foreach (var e in engine.Domain(domain).WatchEventsAsync(cancellationToken))
            Console.WriteLine($"{e.Time:HH:mm:ss.fff} {e.DomainName}: {e.Type} {e.DetailName}");
    }
    // end-snippet

    // begin-snippet: subscribe
    public static IDisposable LogReverts(SnapshotEngine engine, string domain) =>
        // The handler runs on libvirt's event-loop thread (a revert's own events: on the reverting
        // call's thread): keep it short. What it throws is logged, not thrown. Dispose to stop.
        engine.Domain(domain).Subscribe(e =>
        {
            if (e.Detail is LifecycleEventDetail.DefinedFromSnapshot)
                Console.WriteLine($"{e.DomainName} was reverted to a snapshot");
            else
                Console.WriteLine(e);   // event 'lifecycle' for domain 'web1': Suspended Paused
        });
    // end-snippet
}
