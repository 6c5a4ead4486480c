namespace Snapshot.Engine;

/// <summary>
/// TEST ONLY: with <c>VIRTSNAP_TEST_KILL_AFTER=&lt;operation&gt;:&lt;step&gt;[:&lt;occurrence&gt;]</c> in the environment,
/// the process SIGKILLs itself right after that step finished and was journaled, as a crash or the OOM killer
/// would end it: no rollback, no finally, no lock release but the kernel's. In place of a step, a moment inside one
/// (<see cref="IStepHook.Inside"/>: <c>block-job-started</c>, <c>qemu-img-started</c>) kills it while that work runs on
/// outside the process (<c>data-moved</c>: once a merge's data is in place, before the names move); <c>VIRTSNAP_TEST_MERGE_RATE</c> (bytes/s) slows a delete's merges so that it still runs then.
/// The kill tests use it to leave an interrupted operation for <c>snapshot-recover</c>. Never set it on a machine whose
/// guests matter.
/// </summary>
internal sealed class KillSwitch(string operation, string step, int occurrence) : IStepHook
{
    public const string Variable = "VIRTSNAP_TEST_KILL_AFTER";
    public const string MergeRateVariable = "VIRTSNAP_TEST_MERGE_RATE";

    public static KillSwitch? FromEnvironment()
    {
        var value = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrEmpty(value))
            return null;
        var parts = value.Split(':');
        var occurrence = parts.Length > 2 && int.TryParse(parts[2], System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : 1;
        return parts.Length >= 2 ? new KillSwitch(parts[0], parts[1], occurrence) : null;
    }

    /// <summary>The merge rate a kill test asks for (bytes per second), or 0: a delete's merges run at full speed.</summary>
    public static ulong MergeRate() =>
        ulong.TryParse(Environment.GetEnvironmentVariable(MergeRateVariable), System.Globalization.CultureInfo.InvariantCulture, out var rate) ? rate : 0;

    public ValueTask BeforeAsync(StepPoint point, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask AfterAsync(StepPoint point, StepLedger ledger, CancellationToken cancellationToken)
    {
        if (point.Step == step)
            KillIfMatches(point);
        return ValueTask.CompletedTask;
    }

    public void Inside(StepPoint point, string moment)
    {
        if (moment == step)
            KillIfMatches(point);
    }

    private void KillIfMatches(StepPoint point)
    {
        if (point.Operation != operation || point.Occurrence != occurrence)
            return;
        // Process.Kill on Linux sends SIGKILL, to this process too.
        using var self = System.Diagnostics.Process.GetCurrentProcess();
        self.Kill();
        Thread.Sleep(Timeout.Infinite);
    }
}
