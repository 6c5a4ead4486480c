using System.Threading.Channels;
using Snapshot.Interop;

namespace Snapshot.Engine;

public sealed partial class SnapshotEngine
{
    private readonly EventHub _events = new();

    /// <summary>
    /// The lifecycle events of one domain (or of all, for null) until cancelled. While the engine
    /// reverts to an external snapshot, the raw events of its own steps (stop, define, restore) are
    /// replaced by the transition libvirt reports for a revert, with FROM_SNAPSHOT details.
    /// </summary>
    public async IAsyncEnumerable<DomainLifecycleEvent> WatchEventsAsync(string? domain,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var channel = Channel.CreateUnbounded<DomainLifecycleEvent>(new UnboundedChannelOptions { SingleReader = true });
        using (Subscribe(domain, e => channel.Writer.TryWrite(e)))
        {
            await foreach (var e in channel.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
                yield return e;
        }
    }

    /// <summary>Calls <paramref name="handler"/> for each lifecycle event of one domain (or all) until disposed.</summary>
    public IDisposable Subscribe(string? domain, Action<DomainLifecycleEvent> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        Guid? uuid = null;
        LibvirtDomain? dom = null;
        if (domain is not null)
        {
            dom = Domain(domain);
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
