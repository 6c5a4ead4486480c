using Microsoft.Extensions.Logging;

namespace Snapshot.Engine;

/// <summary>
/// One run of a multi-step operation: runs its named steps through the fault seam, in the declared order,
/// keeps the ledger of what they did and, when the run holds the domain's lock, journals each step and fact.
/// </summary>
internal sealed class OperationRun
{
    private readonly Dictionary<string, int> _occurrences = new(StringComparer.Ordinal);
    private readonly StepSequence sequence;
    private readonly IStepHook hook;
    private readonly ILogger logger;
    private readonly string domain;
    private readonly int _runNumber;
    private int _last = -1;
    private StepPoint? _point;

    public OperationRun(StepSequence sequence, IStepHook hook, ILogger logger, string domain, OperationJournal? journal = null)
    {
        this.sequence = sequence;
        this.hook = hook;
        this.logger = logger;
        this.domain = domain;
        Journal = journal;
        Current = sequence.Steps[0];
        if (journal is not null)
        {
            Ledger.Journal = journal.Add;
            _runNumber = journal.NextRun();
        }
    }

    public StepLedger Ledger { get; } = new();

    /// <summary>The journal of the operation this run is part of; null outside a changing call (a test's bare run).</summary>
    public OperationJournal? Journal { get; }

    /// <summary>Journals a fact that has no in-process undo of its own (what the domain was before, a definition to register).</summary>
    public void Note(JournalFact fact) => Journal?.Add(fact);

    /// <summary>The step running now, or the one that failed; the first before any ran.</summary>
    public StepDefinition Current { get; private set; }

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
        var point = _point = new StepPoint(sequence.Operation, step, occurrence, subject);
        Log.OperationStep(logger, sequence.Operation, domain, step, subject ?? "");
        var journaled = Journal?.StepStarted(sequence.Operation, _runNumber, point, changes: index > 0);
        await hook.BeforeAsync(point, cancellationToken).ConfigureAwait(false);
        var result = await body().ConfigureAwait(false);
        if (journaled is not null)
            Journal!.StepFinished(journaled);
        await hook.AfterAsync(point, Ledger, cancellationToken).ConfigureAwait(false);
        return result;
    }

    /// <summary>A moment inside the running step (<see cref="IStepHook.Inside"/>).</summary>
    public void Inside(string moment)
    {
        if (_point is { } point)
            hook.Inside(point, moment);
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
