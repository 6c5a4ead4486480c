using System.Xml.Linq;
using Snapshot.Interop;

namespace Snapshot.Engine;

/// <summary>One operation's recovery: finishes (rolls forward) or undoes (rolls back) what its journal says it did.</summary>
internal interface IOperationRecovery
{
    /// <summary>The operation's stable name, as its <see cref="StepSequence"/> declares it: the journal's <c>operation</c>.</summary>
    string Operation { get; }

    /// <summary>
    /// Brings the domain to a whole state from what <see cref="RecoveryContext.Record"/> says and what the domain shows.
    /// Must be safe to run again: a recovery that dies keeps the journal, and the next one starts over.
    /// </summary>
    Task<RecoveryOutcome> RecoverAsync(RecoveryContext recovery, CancellationToken cancellationToken);
}

/// <summary>What a recovery works with: the domain, its journal, and the list of what it did and left.</summary>
internal sealed class RecoveryContext(EngineContext engine, LibvirtDomain domain, JournalRecord record, OperationJournal journal)
{
    public EngineContext Engine { get; } = engine;

    public LibvirtDomain Domain { get; } = domain;

    public JournalRecord Record { get; } = record;

    /// <summary>The record, to append to: a recovery that runs a step sequence again journals it here (<see cref="EngineContext.Journal"/>).</summary>
    public OperationJournal Journal { get; } = journal;

    public List<string> Done { get; private init; } = [];

    /// <summary>The domains whose locks the caller holds besides this one's (a group operation's members): a recovery that needs another member's lock does not take these again.</summary>
    public IReadOnlyCollection<Guid> HeldLocks { get; init; } = [];

    public List<string> Left { get; private init; } = [];

    /// <summary>Runs <paramref name="body"/> (a step sequence run again) journaled into the record being recovered: a recovery killed meanwhile leaves this operation's journal, longer.</summary>
    public async Task<T> InRecordAsync<T>(Func<Task<T>> body)
    {
        var previous = Engine.Journal;
        Engine.Journal = Journal;
        try
        {
            return await body().ConfigureAwait(false);
        }
        finally
        {
            Engine.Journal = previous;
        }
    }

    /// <summary>The same recovery over the last run of <paramref name="operation"/> nested in the record (<see cref="JournalRecord.PartOf"/>).</summary>
    public RecoveryContext Part(string operation) => new(Engine, Domain, Record.PartOf(operation), Journal) { Done = Done, Left = Left, HeldLocks = HeldLocks };

    /// <summary>The files this run created in <paramref name="role"/>, as its journal says, in order.</summary>
    public IEnumerable<JournalFact> Created(string role) => Record.FactsOf(JournalFacts.FileCreated).Where(f => f["role"] == role);

    /// <summary>
    /// Every file the domain (live and inactive definitions, backing chains included) and its snapshots name: a
    /// file in this set is needed and is never deleted.
    /// </summary>
    public HashSet<string> ReferencedFiles()
    {
        var files = new HashSet<string>(StringComparer.Ordinal);
        void Add(string xml)
        {
            foreach (var source in XElement.Parse(xml).Descendants("source"))
                if (source.Attribute("file")?.Value is { } file)
                    files.Add(file);
            foreach (var memory in XElement.Parse(xml).Descendants("memory"))
                if (memory.Attribute("file")?.Value is { } file)
                    files.Add(file);
        }
        Add(Domain.GetXmlDesc(DomainXmlFlags.Secure));
        Add(Domain.GetXmlDesc(DomainXmlFlags.Secure | DomainXmlFlags.Inactive));
        using var snapshots = OwnedHandles.Of(Domain.ListAllSnapshots());
        foreach (var snapshot in snapshots)
            Add(snapshot.GetXmlDesc(SnapshotXmlFlags.Secure));
        return files;
    }

    /// <summary>The files the running domain's disks are on (backing chains included).</summary>
    public HashSet<string> ReferencedFilesOfLiveDomain()
    {
        var files = new HashSet<string>(StringComparer.Ordinal);
        foreach (var source in XElement.Parse(Domain.GetXmlDesc(DomainXmlFlags.Secure)).Descendants("source"))
            if (source.Attribute("file")?.Value is { } file)
                files.Add(file);
        return files;
    }

    /// <summary>Deletes <paramref name="path"/>, a file this run made, unless something names it (then it is left, and said).</summary>
    public void DeleteIfUnreferenced(string path, string label, HashSet<string> referenced)
    {
        var files = Engine.Files;
        if (!files.Exists(path))
            return;
        if (referenced.Contains(path))
        {
            Left.Add($"{label} is kept: the domain or a snapshot uses it");
            return;
        }
        try
        {
            files.Delete(path);
            Done.Add($"{label} was deleted");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or LibvirtException)
        {
            Left.Add($"{label} could not be deleted ({e.Message})");
        }
    }

    /// <summary>Whether the domain has a snapshot named <paramref name="name"/>.</summary>
    public bool HasSnapshot(string name)
    {
        try
        {
            using var snapshot = Domain.LookupSnapshot(name);
            return true;
        }
        catch (SnapshotNotFoundException)
        {
            return false;
        }
    }

    public DomainState State => Domain.GetState().State;
}
