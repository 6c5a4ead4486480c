using Snapshot.Interop;

namespace Snapshot.Engine;

/// <summary>The SUSPENDED and RESUMED lifecycle events around the snapshot point, with their times.</summary>
internal sealed class PauseWatch : IDisposable
{
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _resumed = new(0);

    public DateTimeOffset? Suspended { get; private set; }
    public DateTimeOffset? Resumed { get; private set; }

    public void Observe(DomainLifecycleEvent e)
    {
        lock (_gate)
        {
            if (e.Type == DomainEventType.Suspended && Suspended is null)
            {
                Suspended = e.Time;
            }
            else if (e.Type == DomainEventType.Resumed && Suspended is not null && Resumed is null)
            {
                Resumed = e.Time;
                _resumed.Release();
            }
        }
    }

    public Task<bool> WaitResumedAsync(TimeSpan timeout) => _resumed.WaitAsync(timeout);

    public void Dispose() => _resumed.Dispose();
}
