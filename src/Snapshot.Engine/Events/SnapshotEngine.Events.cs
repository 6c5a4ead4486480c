using System.Threading.Channels;
using Snapshot.Interop;

namespace Snapshot.Engine;

public sealed partial class SnapshotEngine
{
    private readonly EventHub _events;

    /// <summary>
    /// The lifecycle events of one domain (or of all, for null), registered now, delivered as the stream is
    /// read, until <paramref name="cancellationToken"/> is cancelled or the enumeration ends. While the engine
    /// reverts to an external snapshot, the raw events of its own steps (stop, define, restore) are replaced by
    /// the transition libvirt reports for a revert, with FROM_SNAPSHOT details.
    /// </summary>
    internal IAsyncEnumerable<LifecycleEvent> Watch(DomainRef? domain, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var channel = Channel.CreateUnbounded<LifecycleEvent>(new UnboundedChannelOptions { SingleReader = true });
        var subscription = Subscribe(domain, e => channel.Writer.TryWrite(e));
        var registration = cancellationToken.Register(subscription.Dispose);
        return Read(channel.Reader, subscription, registration, cancellationToken);
    }

    private static async IAsyncEnumerable<LifecycleEvent> Read(ChannelReader<LifecycleEvent> reader, IDisposable subscription,
        CancellationTokenRegistration registration, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var e in reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
                yield return e;
        }
        finally
        {
            await registration.DisposeAsync().ConfigureAwait(false);
            subscription.Dispose();
        }
    }

    /// <summary>Calls <paramref name="handler"/> for each lifecycle event of one domain (or all) until disposed.</summary>
    internal IDisposable Subscribe(DomainRef? domain, Action<LifecycleEvent> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        Guid? uuid = null;
        LibvirtDomain? dom = null;
        if (domain is { } d)
        {
            dom = Domain(d);
            uuid = dom.Uuid;
        }
        try
        {
            return _events.Attach(Connection, dom, uuid, handler);
        }
        finally
        {
            dom?.Dispose();
        }
    }
}
