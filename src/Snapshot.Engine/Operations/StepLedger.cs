namespace Snapshot.Engine;

/// <summary>What a rollback undid, what it left, and the undo that failed, if one did.</summary>
internal sealed class RollbackReport
{
    public List<string> Undone { get; } = [];

    public List<string> Left { get; } = [];

    /// <summary>
    /// Undoes the creation of <paramref name="path"/>: deleted (undone), or left with the reason and, if given,
    /// why keeping it is harmless. <paramref name="label"/> names it in the message ("the new overlay 'X'").
    /// </summary>
    public void DeleteCreatedFile(string path, string label, string? ifKept = null, IHypervisorFiles? files = null)
    {
        try
        {
            (files ?? LocalFiles.Instance).Delete(path);
            Undone.Add($"{label} was deleted");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or Snapshot.Interop.LibvirtException)
        {
            Left.Add($"{label} could not be deleted ({e.Message}){ifKept}");
        }
    }

    /// <summary>The undo that threw (its step) and why; the rollback stopped there.</summary>
    public (string Step, Exception Error)? Failure { get; set; }

    /// <summary>The message's parts: what was undone, the undo that failed (and <paramref name="check"/>: how to look), what was left.</summary>
    public string Outcome(string check)
    {
        var outcome = new List<string>(Undone);
        if (Failure is { } f)
            outcome.Add($"rolling back failed too ({f.Error.Message}); {check}");
        if (Left.Count > 0)
            outcome.Add("left: " + string.Join(", ", Left));
        return string.Join("; ", outcome);
    }
}

/// <summary>
/// One thing a step did: its step, what it did (in words), how to undo it in this process (null: it cannot be
/// undone), and the same as a fact a later process can act on (null: nothing to journal).
/// </summary>
internal sealed record LedgerEntry(string Step, string Did, Func<RollbackReport, Task>? Undo, JournalFact? Fact = null);

/// <summary>
/// The record of what an operation has done, in order, each with its undo. A failure runs the undos in
/// reverse; an entry without one is reported as left. An undo that throws stops the rollback (the ones
/// before it may depend on it: overlays are deleted only once the domain no longer points at them), and
/// everything not undone is reported left.
/// </summary>
internal sealed class StepLedger
{
    private readonly Lock _gate = new();
    private readonly List<LedgerEntry> _entries = [];

    public IReadOnlyList<LedgerEntry> Entries
    {
        get
        {
            lock (_gate)
                return [.. _entries];
        }
    }

    /// <summary>Where a recorded entry's fact goes as soon as it is recorded: the run's journal.</summary>
    public Action<JournalFact>? Journal { get; set; }

    /// <summary>
    /// Records what <paramref name="step"/> did, its in-process undo, and <paramref name="fact"/>, which is written
    /// through to the journal before this returns (so a kill right after still knows it).
    /// </summary>
    public void Record(string step, string did, Func<RollbackReport, Task>? undo = null, JournalFact? fact = null)
    {
        lock (_gate)
            _entries.Add(new LedgerEntry(step, did, undo, fact));
        if (fact is not null)
            Journal?.Invoke(fact);
    }

    public bool Has(string step) => Entries.Any(e => e.Step == step);

    /// <summary>Runs every undo, last done first; each entry is undone at most once.</summary>
    public async Task<RollbackReport> RollBackAsync()
    {
        var report = new RollbackReport();
        List<LedgerEntry> entries;
        lock (_gate)
        {
            entries = [.. _entries];
            _entries.Clear();
        }
        entries.Reverse();
        for (var i = 0; i < entries.Count; i++)
        {
            var entry = entries[i];
            if (entry.Undo is null)
            {
                report.Left.Add(entry.Did);
                continue;
            }
            try
            {
                await entry.Undo(report).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // reported: the rollback stops here and says what it left
            catch (Exception e)
#pragma warning restore CA1031
            {
                report.Failure = (entry.Step, e);
                report.Left.AddRange(entries.Skip(i).Select(x => x.Did));
                break;
            }
        }
        return report;
    }
}
