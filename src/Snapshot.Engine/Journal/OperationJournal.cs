using Snapshot.Interop;

namespace Snapshot.Engine;

/// <summary>
/// The journal of the changing operation this process runs on one domain, taken under its operation lock.
/// Nothing is written until the first step after the preflight starts (a refused request leaves no journal);
/// from then on every step's start, end and facts are written through (<see cref="JournalStore.Write"/>), so a
/// process killed at any point leaves a record of how far it got. The lock's holder removes it at the end
/// (success or a completed rollback): a journal left behind is an operation that died.
/// </summary>
internal sealed class OperationJournal
{
    private readonly Lock _gate = new();
    private readonly JournalStore _store;
    private bool _written;
    private int _held;
    private bool _durable;
    private bool _deferred;
    private int _runs;

    public OperationJournal(JournalStore store, string key, JournalRecord record)
    {
        _store = store;
        Key = key;
        Record = record;
    }

    /// <summary>The file's name in the store: the domain's lock key.</summary>
    public string Key { get; }

    public JournalRecord Record { get; }

    public string Path => _store.PathOf(Key);

    /// <summary>A journal of <paramref name="operation"/> on <paramref name="domain"/>, keyed as the domain's lock.</summary>
    public static OperationJournal For(JournalStore store, LibvirtConnection connection, LibvirtDomain domain, string operation)
    {
        var uri = connection.Uri;
        var host = System.Uri.TryCreate(uri, UriKind.Absolute, out var parsed) ? parsed.Host : "";
        var record = new JournalRecord
        {
            Operation = operation,
            DomainUuid = domain.Uuid,
            DomainName = domain.Name,
            Uri = uri,
            Host = host,
            Pid = Environment.ProcessId,
            StartedAt = DateTimeOffset.UtcNow,
        };
        return new OperationJournal(store, DomainLock.KeyOf(uri, domain.Uuid), record);
    }

    /// <summary>A new run of a step sequence starts in this journal (a nested one, or a recovery's): its number.</summary>
    public int NextRun()
    {
        lock (_gate)
            return _runs = Math.Max(_runs, Record.Steps.Count > 0 ? Record.Steps.Max(s => s.Run) : 0) + 1;
    }

    /// <summary>
    /// A step of run <paramref name="run"/> starts: journaled from the first changing step on (<paramref name="changes"/>:
    /// not the preflight). The record's operation is its first step's: a run nested in another (the keep-current
    /// revert's create and revert) journals its steps into the outer operation's record, which chooses the recovery.
    /// </summary>
    public JournalStep StepStarted(string operation, int run, StepPoint point, bool changes)
    {
        lock (_gate)
        {
            if (Record.Steps.Count == 0)
                Record.Operation = operation;
            var step = new JournalStep { Step = point.Step, Occurrence = point.Occurrence, Subject = point.Subject, Operation = operation, Run = run };
            Record.Steps.Add(step);
            if (changes || _written)
                Flush(durable: false);
            return step;
        }
    }

    /// <summary><paramref name="step"/> finished (an outer step finishes after the steps of the runs nested in it).</summary>
    public void StepFinished(JournalStep step)
    {
        lock (_gate)
        {
            step.Done = true;
            if (_written)
                Flush(durable: false);
        }
    }

    /// <summary>Adds a fact to the step running now and writes it through.</summary>
    public void Add(JournalFact fact)
    {
        lock (_gate)
        {
            if (Record.Last is null)
                Record.Steps.Add(new JournalStep { Step = "(before any step)" });
            Record.Last!.Facts.Add(fact);
            Flush(durable: true);
        }
    }

    /// <summary>
    /// Holds writes back until <see cref="Release"/>: an instant snapshot's pause must not wait on fsync. What happens
    /// while held (the pause, the disk switch, the migrate) is read back from the domain itself by recovery.
    /// </summary>
    public void Hold()
    {
        lock (_gate)
            _held++;
    }

    /// <summary>
    /// Until the next <see cref="Release"/>, facts too are only renamed into place, without fsync: an instant
    /// snapshot's way to its snapshot point must not wait on the disk. A killed process loses nothing (the page
    /// cache keeps the file); a crash of the machine before the point may leave a partial memory file and overlays
    /// that no journal names, never a changed guest (QEMU died with it).
    /// </summary>
    public void DeferDurability()
    {
        lock (_gate)
            _deferred = true;
    }

    public void Release()
    {
        lock (_gate)
        {
            // Released once by the step that ends the hold and again by its finally: the second does nothing.
            _deferred = false;
            if (_held > 0 && --_held == 0 && _written)
                Flush(durable: true);
        }
    }

    /// <summary>The operation ended in this process (done, or rolled back): its journal goes.</summary>
    public void Complete()
    {
        lock (_gate)
        {
            if (_written)
                _store.Delete(Key);
            _written = false;
        }
    }

    // A fact is written durably (fsync of the file and the directory): it names what a recovery after a crash of
    // the machine must undo. A step's start and end are only renamed into place, which a killed process's page
    // cache keeps: they cost no fsync on the instant snapshot's way to its snapshot point.
    private void Flush(bool durable)
    {
        _written = true;
        _durable |= durable && !_deferred;
        if (_held > 0)
            return;
        _store.Write(Key, Record, _durable);
        _durable = false;
    }
}
