namespace Snapshot.Engine;

/// <summary>
/// The group's resume, held until every member's snapshot point is safe (QEMU 8.2 and later, where the engine
/// resumes each guest): a member resumed early runs its busy vCPU on a core that the others' disk switches and
/// QEMU's write set-up are waiting for. Opened once every member has arrived, or at once when any member fails,
/// so that no guest waits on a member that will never arrive.
/// </summary>
internal sealed class ResumeBarrier(int members)
{
    private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _arrived;

    /// <summary>A member whose point is safe: returns once all have arrived (or the barrier was opened).</summary>
    public Task ArriveAsync()
    {
        if (Interlocked.Increment(ref _arrived) >= members)
            _open.TrySetResult();
        return _open.Task;
    }

    /// <summary>Opens the barrier for whoever waits (a member failed before arriving).</summary>
    public void Open() => _open.TrySetResult();
}
