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

    /// <summary>A step starts: journaled from the first changing step on (<paramref name="changes"/>: not the preflight).</summary>
    public void StepStarted(string operation, StepPoint point, bool changes)
    {
        lock (_gate)
        {
            Record.Operation = operation;
            Record.Steps.Add(new JournalStep { Step = point.Step, Occurrence = point.Occurrence, Subject = point.Subject });
            if (changes || _written)
                Flush();
        }
    }

    /// <summary>The step running now finished.</summary>
    public void StepFinished()
    {
        lock (_gate)
        {
            if (Record.Last is { } last)
                last.Done = true;
            if (_written)
                Flush();
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
            Flush();
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

    public void Release()
    {
        lock (_gate)
        {
            // Released once by the step that ends the hold and again by its finally: the second does nothing.
            if (_held > 0 && --_held == 0 && _written)
                Flush();
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

    private void Flush()
    {
        _written = true;
        if (_held > 0)
            return;
        _store.Write(Key, Record);
    }
}
