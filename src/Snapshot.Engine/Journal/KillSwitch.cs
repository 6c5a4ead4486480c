namespace Snapshot.Engine;

/// <summary>
/// TEST ONLY: with <c>VIRTSNAP_TEST_KILL_AFTER=&lt;operation&gt;:&lt;step&gt;[:&lt;occurrence&gt;]</c> in the environment,
/// the process SIGKILLs itself right after that step finished and was journaled, as a crash or the OOM killer
/// would end it: no rollback, no finally, no lock release but the kernel's. The kill tests use it to leave an
/// interrupted operation for <c>snapshot-recover</c>. Never set it on a machine whose guests matter.
/// </summary>
internal sealed class KillSwitch(string operation, string step, int occurrence) : IStepHook
{
    public const string Variable = "VIRTSNAP_TEST_KILL_AFTER";

    public static KillSwitch? FromEnvironment()
    {
        var value = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrEmpty(value))
            return null;
        var parts = value.Split(':');
        var occurrence = parts.Length > 2 && int.TryParse(parts[2], System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : 1;
        return parts.Length >= 2 ? new KillSwitch(parts[0], parts[1], occurrence) : null;
    }

    public ValueTask BeforeAsync(StepPoint point, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask AfterAsync(StepPoint point, StepLedger ledger, CancellationToken cancellationToken)
    {
        if (point.Operation == operation && point.Step == step && point.Occurrence == occurrence)
        {
            // Process.Kill on Linux sends SIGKILL, to this process too.
            using var self = System.Diagnostics.Process.GetCurrentProcess();
            self.Kill();
            Thread.Sleep(Timeout.Infinite);
        }
        return ValueTask.CompletedTask;
    }
}
