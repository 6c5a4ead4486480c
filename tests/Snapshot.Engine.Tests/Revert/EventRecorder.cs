namespace Snapshot.Engine.Tests.Revert;

/// <summary>Collects what an engine subscriber receives for one domain through <see cref="SnapshotEngine.WatchEventsAsync"/>.</summary>
internal sealed class EventRecorder : IDisposable
{
    private readonly Lock _gate = new();
    private readonly List<string> _events = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _pump;

    // WatchEventsAsync registers when it is called, so the subscription exists when the constructor returns.
    public EventRecorder(SnapshotEngine engine, string domain) => _pump = PumpAsync(engine.Domain(domain).WatchEventsAsync(_stop.Token));

    private async Task PumpAsync(IAsyncEnumerable<LifecycleEvent> events)
    {
        try
        {
            await foreach (var e in events)
            {
                lock (_gate)
                    _events.Add($"{e.Type} {e.DetailName}");
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>
    /// The events since the last call, as "Type Detail" strings: waits for the first (up to 10 s: a loaded machine
    /// delivers them late, and a fixed wait returned none), then until none came for 500 ms. Where none are expected,
    /// <paramref name="expectSome"/> false waits 2 s for a stray one instead of the 10.
    /// </summary>
    public async Task<List<string>> TakeAsync(bool expectSome = true)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(expectSome ? 10 : 2);
        while (Count == 0 && DateTime.UtcNow < deadline)
            await Task.Delay(TimeSpan.FromMilliseconds(50));
        for (var seen = -1; seen != Count;)
        {
            seen = Count;
            await Task.Delay(TimeSpan.FromMilliseconds(500));
        }
        lock (_gate)
        {
            var result = _events.ToList();
            _events.Clear();
            return result;
        }
    }

    private int Count
    {
        get
        {
            lock (_gate)
                return _events.Count;
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _pump.GetAwaiter().GetResult();
        _stop.Dispose();
    }
}
