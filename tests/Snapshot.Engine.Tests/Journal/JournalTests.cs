using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Snapshot.Engine.Tests.Faults;

namespace Snapshot.Engine.Tests.Journal;

/// <summary>The journal's API and file format, without a domain: what a run writes at each step, and when it goes.</summary>
public sealed class JournalTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("virtsnap-journal-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static readonly StepSequence Sequence = new("op",
        new StepDefinition("preflight", "checking"),
        new StepDefinition("make-file", "making the file"),
        new StepDefinition("pause", "pausing"));

    private (OperationJournal Journal, OperationRun Run, JournalStore Store) Start()
    {
        var store = new JournalStore(Path.Combine(_root, "state", "journal"));
        var record = new JournalRecord { Operation = "op", DomainUuid = Guid.NewGuid(), DomainName = "vm", Uri = "qemu:///system", Pid = Environment.ProcessId, StartedAt = DateTimeOffset.UtcNow };
        var journal = new OperationJournal(store, "key", record);
        return (journal, new OperationRun(Sequence, new FaultHook(), NullLogger.Instance, "vm", journal), store);
    }

    [Fact]
    public async Task Nothing_is_written_by_the_preflight_then_each_step_and_fact_is_written_through_and_the_end_removes_it()
    {
        var (journal, run, store) = Start();

        await run.Run("preflight", () => { }, CancellationToken.None);
        File.Exists(journal.Path).Should().BeFalse("a refused request leaves no journal");

        JournalRecord? during = null;
        await run.Run("make-file", () =>
        {
            run.Ledger.Record("make-file", "made /x", fact: JournalFacts.Created("/x", "memory"));
            during = store.Read("key");
        }, CancellationToken.None);

        during!.Steps.Select(s => (s.Step, s.Done)).Should().Equal(("preflight", true), ("make-file", false));
        during.Fact(JournalFacts.FileCreated)!["path"].Should().Be("/x", "a fact is on disk before Record returns");
        var after = store.Read("key")!;
        after.Steps[^1].Done.Should().BeTrue();
        after.Pid.Should().Be(Environment.ProcessId);
        after.DomainName.Should().Be("vm");

        File.GetUnixFileMode(journal.Path).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.GetUnixFileMode(store.Directory).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Directory.GetFiles(store.Directory).Should().Equal(journal.Path);

        journal.Complete();
        File.Exists(journal.Path).Should().BeFalse();
        store.Read("key").Should().BeNull();
    }

    [Fact]
    public async Task The_file_format_is_versioned_kebab_case_json_with_facts_per_step()
    {
        var (journal, run, _) = Start();
        await run.Run("preflight", () => { }, CancellationToken.None);
        await run.Run("make-file", () => run.Note(JournalFacts.Setting("max-bandwidth", 1234)), CancellationToken.None);

        using var doc = JsonDocument.Parse(File.ReadAllBytes(journal.Path));
        var root = doc.RootElement;
        root.GetProperty("version").GetInt32().Should().Be(1);
        root.GetProperty("operation").GetString().Should().Be("op");
        root.GetProperty("domain-uuid").GetGuid().Should().NotBeEmpty();
        root.GetProperty("started-at").GetDateTimeOffset().Should().BeCloseTo(DateTimeOffset.UtcNow, TimeSpan.FromMinutes(1));
        var step = root.GetProperty("steps")[1];
        step.GetProperty("step").GetString().Should().Be("make-file");
        var fact = step.GetProperty("facts")[0];
        fact.GetProperty("kind").GetString().Should().Be("migration-setting");
        fact.GetProperty("values").GetProperty("restore").GetString().Should().Be("1234");
    }

    [Fact]
    public async Task Held_writes_reach_the_file_on_release_and_a_failed_step_stays_not_done()
    {
        var (journal, run, store) = Start();
        await run.Run("preflight", () => { }, CancellationToken.None);
        await run.Run("make-file", () => { }, CancellationToken.None);
        journal.Hold();
        await run.Invoking(r => r.Run("pause", () =>
        {
            run.Note(JournalFact.Of(JournalFacts.GuestPaused));
            throw new InvalidOperationException("boom");
        }, CancellationToken.None)).Should().ThrowAsync<InvalidOperationException>();
        store.Read("key")!.Steps.Should().HaveCount(2, "nothing is written while held");

        journal.Release();
        var record = store.Read("key")!;
        record.Last!.Step.Should().Be("pause");
        record.Last.Done.Should().BeFalse();
        record.Fact(JournalFacts.GuestPaused).Should().NotBeNull();
    }

    [Fact]
    public async Task A_nested_run_journals_into_the_outer_operation_whose_step_finishes_after_the_inner_steps()
    {
        var (journal, outer, store) = Start();
        var inner = new OperationRun(new StepSequence("inner", new StepDefinition("preflight", "checking"), new StepDefinition("write", "writing")),
            new FaultHook(), NullLogger.Instance, "vm", journal);
        await outer.Run("preflight", () => { }, CancellationToken.None);
        await outer.RunAsync("make-file", async () =>
        {
            await inner.Run("preflight", () => { }, CancellationToken.None);
            await inner.Run("write", () => inner.Note(JournalFact.Of(JournalFacts.GuestPaused)), CancellationToken.None);
        }, CancellationToken.None);

        var record = store.Read("key")!;
        record.Operation.Should().Be("op", "the outer operation chooses the recovery, not the last run nested in it");
        record.Steps.Select(s => (s.Operation, s.Step, s.Done)).Should().Equal(
            ("op", "preflight", true), ("op", "make-file", true), ("inner", "preflight", true), ("inner", "write", true));
        record.Finished("make-file").Should().BeTrue("the outer step is marked done, not the last inner one again");
        var part = record.PartOf("inner");
        part.Operation.Should().Be("inner");
        part.Steps.Select(s => s.Step).Should().Equal("preflight", "write");
        part.Fact(JournalFacts.GuestPaused).Should().NotBeNull();
        record.PartOf("op").Fact(JournalFacts.GuestPaused).Should().BeNull();
    }

    [Fact]
    public void A_journal_that_is_no_json_is_refused_and_kept()
    {
        var store = new JournalStore(Path.Combine(_root, "j"));
        Directory.CreateDirectory(store.Directory);
        File.WriteAllText(store.PathOf("k"), "{not json");
        store.Invoking(s => s.Read("k")).Should().Throw<SnapshotException>().WithMessage("*cannot be read*it is kept*");
        File.Exists(store.PathOf("k")).Should().BeTrue();
    }
}
