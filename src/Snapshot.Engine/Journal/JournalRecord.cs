using System.Text.Json.Serialization;

namespace Snapshot.Engine;

/// <summary>
/// The journal of one changing operation on one domain, as the file holds it (JSON, <see cref="Version"/> 1):
/// who runs it, where, since when, and every step it started with the facts that step recorded.
/// </summary>
internal sealed class JournalRecord
{
    public const int CurrentVersion = 1;

    public int Version { get; set; } = CurrentVersion;

    /// <summary>The operation's stable name (<c>instant-create</c>, <c>external-revert</c>, <c>delete</c>, ...): it chooses the recovery.</summary>
    public string Operation { get; set; } = "";

    public Guid DomainUuid { get; set; }

    public string DomainName { get; set; } = "";

    /// <summary>The connection's URI, and the host it names (empty for a local one).</summary>
    public string Uri { get; set; } = "";

    public string Host { get; set; } = "";

    public int Pid { get; set; }

    public DateTimeOffset StartedAt { get; set; }

    /// <summary>Every step started, in order; the last one may not have finished.</summary>
    public List<JournalStep> Steps { get; set; } = [];

    [JsonIgnore]
    public IEnumerable<JournalFact> Facts => Steps.SelectMany(s => s.Facts);

    public JournalFact? Fact(string kind) => Facts.LastOrDefault(f => f.Kind == kind);

    public IEnumerable<JournalFact> FactsOf(string kind) => Facts.Where(f => f.Kind == kind);

    public bool Started(string step) => Steps.Any(s => s.Step == step);

    public bool Finished(string step) => Steps.Any(s => s.Step == step && s.Done);

    /// <summary>The last step started, or null before any.</summary>
    [JsonIgnore]
    public JournalStep? Last => Steps.Count > 0 ? Steps[^1] : null;

    /// <summary>
    /// The steps of the last run of <paramref name="operation"/> nested in this record (a keep-current revert's create
    /// or revert), as a record of that operation of their own: what that operation's recovery reads.
    /// </summary>
    public JournalRecord PartOf(string operation)
    {
        var runs = Steps.Where(s => s.Operation == operation).Select(s => s.Run).ToList();
        var last = runs.Count > 0 ? runs.Max() : -1;
        return new JournalRecord
        {
            Version = Version,
            Operation = operation,
            DomainUuid = DomainUuid,
            DomainName = DomainName,
            Uri = Uri,
            Host = Host,
            Pid = Pid,
            StartedAt = StartedAt,
            Steps = [.. Steps.Where(s => s.Operation == operation && s.Run == last)],
        };
    }
}

/// <summary>One step of the run: its name, the how-many-th time, what it works on, whether it finished, and its facts.</summary>
internal sealed class JournalStep
{
    public string Step { get; set; } = "";

    /// <summary>The operation whose sequence declares the step (the record's, or one nested in it); null in older records.</summary>
    public string? Operation { get; set; }

    /// <summary>Which run of a sequence in this record took the step (1, 2, ...): a nested or a recovery's run has its own.</summary>
    public int Run { get; set; }

    public int Occurrence { get; set; } = 1;

    public string? Subject { get; set; }

    public bool Done { get; set; }

    public List<JournalFact> Facts { get; set; } = [];
}

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.KebabCaseLower)]
[JsonSerializable(typeof(JournalRecord))]
internal sealed partial class JournalJsonContext : JsonSerializerContext;
