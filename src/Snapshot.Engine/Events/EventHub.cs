using Snapshot.Interop;

namespace Snapshot.Engine;

/// <summary>
/// Fans libvirt's lifecycle events out to the engine's subscribers, holding back a domain's raw events
/// while the engine runs a multi-step operation on it and publishing the synthesized ones instead.
/// </summary>
/// <remarks>
/// A subscriber's handler runs on libvirt's event-loop thread for libvirt's events and on the reverting call's
/// thread for the events a revert reports; whatever it throws is logged and dropped, so that it can neither stop
/// the event loop nor a revert (or its rollback).
/// </remarks>
internal sealed class EventHub(UserCallbacks callbacks)
{
    private readonly Lock _gate = new();
    private readonly List<Subscriber> _subscribers = [];
    private readonly Dictionary<Guid, Suppression> _suppressed = [];

    public IDisposable Attach(LibvirtConnection connection, LibvirtDomain? domain, Guid? uuid, Action<LifecycleEvent> handler)
    {
        var subscriber = new Subscriber(uuid, e => callbacks.Invoke(handler, LifecycleEvent.From(e), "lifecycle event handler"));
        lock (_gate)
            _subscribers.Add(subscriber);
        var raw = connection.SubscribeLifecycle(domain, OnRaw);
        return new Detach(() =>
        {
            raw.Dispose();
            lock (_gate)
                _subscribers.Remove(subscriber);
        });

        void OnRaw(DomainLifecycleEvent e)
        {
            Suppression? held;
            lock (_gate)
                _suppressed.TryGetValue(e.DomainUuid, out held);
            // A held-back event reaches the suppression through its own subscription.
            if (held is null)
                subscriber.Handler(e);
        }
    }

    /// <summary>
    /// Holds back the domain's raw events until the returned scope is disposed. The scope watches them with its
    /// own subscription, so that it sees them (and <see cref="Suppression.WaitForAsync"/> returns as soon as they
    /// arrive) whether or not anybody subscribed to the engine.
    /// </summary>
    public Suppression Suppress(LibvirtConnection connection, LibvirtDomain domain)
    {
        var suppression = new Suppression(this, domain.Uuid);
        lock (_gate)
            _suppressed[suppression.Uuid] = suppression;
        try
        {
            suppression.Watch(connection.SubscribeLifecycle(domain, suppression.Observe));
        }
        catch
        {
            suppression.Dispose();
            throw;
        }
        return suppression;
    }

    /// <summary>Delivers an event the engine made to every subscriber that watches its domain.</summary>
    public void Publish(DomainLifecycleEvent e)
    {
        Subscriber[] targets;
        lock (_gate)
            targets = _subscribers.Where(s => s.Uuid is null || s.Uuid == e.DomainUuid).ToArray();
        foreach (var s in targets)
            s.Handler(e);
    }

    private void Release(Suppression suppression)
    {
        lock (_gate)
        {
            if (_suppressed.TryGetValue(suppression.Uuid, out var current) && ReferenceEquals(current, suppression))
                _suppressed.Remove(suppression.Uuid);
        }
    }

    private sealed record Subscriber(Guid? Uuid, Action<DomainLifecycleEvent> Handler);

    private sealed class Detach(Action action) : IDisposable
    {
        private Action? _action = action;

        public void Dispose() => Interlocked.Exchange(ref _action, null)?.Invoke();
    }

    /// <summary>A window in which a domain's raw events are observed but not delivered.</summary>
    internal sealed class Suppression(EventHub hub, Guid uuid) : IDisposable
    {
        private readonly Lock _gate = new();
        private readonly List<DomainLifecycleEvent> _seen = [];
        private readonly SemaphoreSlim _arrived = new(0);
        private IDisposable? _subscription;

        public Guid Uuid { get; } = uuid;

        public void Watch(IDisposable subscription) => _subscription = subscription;

        public void Observe(DomainLifecycleEvent e)
        {
            lock (_gate)
            {
                if (_disposed)
                    return;
                _seen.Add(e);
                _arrived.Release();
            }
        }

        private bool _disposed;

        /// <summary>Where the events a step is about to cause begin: what <see cref="WaitForAsync"/> counts from.</summary>
        public int Mark()
        {
            lock (_gate)
                return _seen.Count;
        }

        /// <summary>
        /// Waits until a raw event of each of <paramref name="types"/> has arrived after <paramref name="mark"/> (events
        /// are delivered asynchronously, after the call that caused them returned), or the timeout passes.
        /// </summary>
        public async Task<bool> WaitForAsync(IReadOnlyCollection<DomainEventType> types, int mark, TimeSpan timeout)
        {
            var deadline = DateTime.UtcNow + timeout;
            while (true)
            {
                if (AllSeen(types, mark))
                    return true;
                var left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero || !await _arrived.WaitAsync(left).ConfigureAwait(false))
                    return AllSeen(types, mark);
            }
        }

        private bool AllSeen(IReadOnlyCollection<DomainEventType> types, int mark)
        {
            lock (_gate)
                return types.All(t => _seen.Skip(mark).Any(e => e.Type == t));
        }

        public void Dispose()
        {
            Interlocked.Exchange(ref _subscription, null)?.Dispose();
            hub.Release(this);
            lock (_gate)
            {
                if (_disposed)
                    return;
                _disposed = true;
            }
            _arrived.Dispose();
        }
    }
}
