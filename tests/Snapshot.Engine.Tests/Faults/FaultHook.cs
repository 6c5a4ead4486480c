namespace Snapshot.Engine.Tests.Faults;

/// <summary>The exception a test throws at a step, so that the failure is recognisably the injected one.</summary>
public sealed class InjectedFaultException(string step) : Exception($"injected fault at step '{step}'")
{
    public string Step { get; } = step;
}

/// <summary>The fault seam from a test: fails the <c>occurrence</c>-th run of one named step, and records every point passed.</summary>
internal sealed class FaultHook(string? failStep = null, int occurrence = 1) : IStepHook
{
    private readonly List<StepPoint> _before = [];

    public IReadOnlyList<StepPoint> Before
    {
        get
        {
            lock (_before)
                return [.. _before];
        }
    }

    public ValueTask BeforeAsync(StepPoint point, CancellationToken cancellationToken)
    {
        lock (_before)
            _before.Add(point);
        if (point.Step == failStep && point.Occurrence == occurrence)
            throw new InjectedFaultException(point.Step);
        return ValueTask.CompletedTask;
    }

    public ValueTask AfterAsync(StepPoint point, StepLedger ledger, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <summary>Every step an operation declares, as theory data: a step added to it is failed by the theory at once.</summary>
    public static TheoryData<string> StepsOf(StepSequence sequence)
    {
        var data = new TheoryData<string>();
        foreach (var name in sequence.Names)
            data.Add(name);
        return data;
    }
}
