using Microsoft.Extensions.Logging;

namespace Snapshot.Engine;

/// <summary>
/// One run of a multi-step operation: runs its named steps through the fault seam, in the declared order,
/// and keeps the ledger of what they did.
/// </summary>
internal sealed class OperationRun(StepSequence sequence, IStepHook hook, ILogger logger, string domain)
{
    private readonly Dictionary<string, int> _occurrences = new(StringComparer.Ordinal);
    private int _last = -1;

    public StepLedger Ledger { get; } = new();

    /// <summary>The step running now, or the one that failed; the first before any ran.</summary>
    public StepDefinition Current { get; private set; } = sequence.Steps[0];

    public string Operation => sequence.Operation;

    public async Task RunAsync(string step, Func<Task> body, CancellationToken cancellationToken, string? subject = null) =>
        await RunAsync<bool>(step, async () =>
        {
            await body().ConfigureAwait(false);
            return true;
        }, cancellationToken, subject).ConfigureAwait(false);

    public async Task<T> RunAsync<T>(string step, Func<Task<T>> body, CancellationToken cancellationToken, string? subject = null)
    {
        var index = sequence.IndexOf(step);
        var definition = sequence.Steps[index];
        if (index < _last && !definition.Repeats)
            throw new InvalidOperationException($"{sequence.Operation}: step '{step}' runs after '{sequence.Steps[_last].Name}', which it precedes");
        _last = index;
        Current = definition;
        var occurrence = _occurrences[step] = _occurrences.GetValueOrDefault(step) + 1;
        var point = new StepPoint(sequence.Operation, step, occurrence, subject);
        Log.OperationStep(logger, sequence.Operation, domain, step, subject ?? "");
        await hook.BeforeAsync(point, cancellationToken).ConfigureAwait(false);
        var result = await body().ConfigureAwait(false);
        await hook.AfterAsync(point, Ledger, cancellationToken).ConfigureAwait(false);
        return result;
    }

    /// <summary>A step that only computes: <paramref name="body"/> runs synchronously.</summary>
    public Task<T> Run<T>(string step, Func<T> body, CancellationToken cancellationToken, string? subject = null) =>
        RunAsync(step, () => Task.FromResult(body()), cancellationToken, subject);

    public Task Run(string step, Action body, CancellationToken cancellationToken, string? subject = null) =>
        RunAsync(step, () =>
        {
            body();
            return Task.CompletedTask;
        }, cancellationToken, subject);
}
