using Snapshot.Interop;

namespace Snapshot.Engine.Tests.Revert;

/// <summary>Collects what an engine subscriber receives for one domain.</summary>
internal sealed class EventRecorder : IDisposable
{
    private readonly Lock _gate = new();
    private readonly List<DomainLifecycleEvent> _events = [];
    private readonly IDisposable _subscription;

    public EventRecorder(SnapshotEngine engine, string domain) =>
        _subscription = engine.Subscribe(domain, e =>
        {
            lock (_gate)
                _events.Add(e);
        });

    /// <summary>The events since the last call, as "Type Detail" strings, after letting late ones arrive.</summary>
    public async Task<List<string>> TakeAsync()
    {
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        lock (_gate)
        {
            var result = _events.Select(e => $"{e.Type} {e.DetailName}").ToList();
            _events.Clear();
            return result;
        }
    }

    public void Dispose() => _subscription.Dispose();
}
