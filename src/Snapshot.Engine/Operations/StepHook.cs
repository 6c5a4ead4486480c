namespace Snapshot.Engine;

/// <summary>Where an operation is: which step of which operation, the how-many-th time it runs, and on what.</summary>
/// <param name="Operation">The operation's stable name (<c>instant-create</c>, <c>external-revert</c>, <c>delete</c>).</param>
/// <param name="Step">The step's stable name, as the operation's <see cref="StepSequence"/> declares it.</param>
/// <param name="Occurrence">1 the first time the step runs in this operation, 2 the second (a delete's steps repeat per snapshot).</param>
/// <param name="Subject">What the step works on when it repeats (a snapshot's name), else null.</param>
internal sealed record StepPoint(string Operation, string Step, int Occurrence, string? Subject);

/// <summary>
/// The fault seam: called around every named step of every multi-step operation. The engine's own hook does
/// nothing; a test's throws before a step to fail it there. Chosen when the engine is built, never switched
/// globally, so that one test's faults cannot reach another's engine. The run journals each step around it; the
/// test-only <see cref="KillSwitch"/> ends the process after a step here.
/// </summary>
internal interface IStepHook
{
    /// <summary>Runs before the step's body; an exception thrown here fails the step as its body would.</summary>
    ValueTask BeforeAsync(StepPoint point, CancellationToken cancellationToken);

    /// <summary>Runs after the step's body has finished and recorded what it did in the ledger.</summary>
    ValueTask AfterAsync(StepPoint point, StepLedger ledger, CancellationToken cancellationToken);

    /// <summary>
    /// Called inside a step at a named moment (<c>block-job-started</c>, <c>qemu-img-started</c>: work running outside
    /// this process; <c>data-moved</c>: a merge's data in place, its names not yet moved), where only the kill switch
    /// acts: a fault there would be the failure of the step itself.
    /// </summary>
    void Inside(StepPoint point, string moment)
    {
    }
}

/// <summary>The production hook: no faults, nothing recorded beyond the ledger itself.</summary>
internal sealed class NoStepHook : IStepHook
{
    public static readonly NoStepHook Instance = new();

    public ValueTask BeforeAsync(StepPoint point, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask AfterAsync(StepPoint point, StepLedger ledger, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}
