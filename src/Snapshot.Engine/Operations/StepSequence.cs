namespace Snapshot.Engine;

/// <summary>One named step: a stable name (for tests, logs and the journal) and what it is doing, for messages.</summary>
/// <param name="Name">Stable, lower-case, dashed: <c>create-memory-file</c>.</param>
/// <param name="Doing">The message's words: "creating the memory file".</param>
/// <param name="Repeats">Whether the step runs once per item (a delete's snapshots), so that the sequence may start again at it.</param>
internal sealed record StepDefinition(string Name, string Doing, bool Repeats = false);

/// <summary>
/// An operation's steps in the order they run. The operation runs nothing that is not declared here, and
/// never runs a step before one it declares earlier but to repeat a step that repeats (checked as it runs),
/// so this list is the truth the docs' tables and the fault tests are checked against.
/// </summary>
internal sealed class StepSequence
{
    private readonly Dictionary<string, int> _index;

    public StepSequence(string operation, params StepDefinition[] steps)
    {
        Operation = operation;
        Steps = steps;
        _index = steps.Select((s, i) => (s.Name, i)).ToDictionary(p => p.Name, p => p.i, StringComparer.Ordinal);
    }

    /// <summary>The operation's stable name.</summary>
    public string Operation { get; }

    public IReadOnlyList<StepDefinition> Steps { get; }

    public IEnumerable<string> Names => Steps.Select(s => s.Name);

    /// <summary>The step's position; throws for a name the sequence does not declare (a programming error).</summary>
    public int IndexOf(string name) =>
        _index.TryGetValue(name, out var i) ? i : throw new InvalidOperationException($"{Operation} declares no step '{name}'");
}
