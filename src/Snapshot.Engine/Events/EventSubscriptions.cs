using System.Threading.Channels;
using Snapshot.Interop;

namespace Snapshot.Engine;

/// <summary>The engine's lifecycle events as a handler or a stream, for one domain or all.</summary>
internal sealed class EventSubscriptions(EngineContext context)
{
    /// <summary>Calls <paramref name="handler"/> for each lifecycle event of one domain (or all, for null) until disposed.</summary>
    public IDisposable Subscribe(DomainRef? domain, Action<LifecycleEvent> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        using var dom = domain is { } d ? context.Resolve(d) : null;
        return context.Events.Attach(context.Connection, dom, dom?.Uuid, handler);
    }

    /// <summary>
    /// The events, registered now (not when reading starts, so none between this call and the first read is
    /// lost), until <paramref name="cancellationToken"/> is cancelled or the enumeration ends.
    /// </summary>
    public IAsyncEnumerable<LifecycleEvent> Watch(DomainRef? domain, CancellationToken cancellationToken)
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
}
