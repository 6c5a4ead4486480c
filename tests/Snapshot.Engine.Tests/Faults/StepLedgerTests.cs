using Microsoft.Extensions.Logging.Abstractions;

namespace Snapshot.Engine.Tests.Faults;

public sealed class StepLedgerTests
{
    [Fact]
    public async Task Undos_run_last_done_first_and_entries_without_one_are_left()
    {
        var ledger = new StepLedger();
        var order = new List<string>();
        ledger.Record("a", "did a", r => Undo(r, order, "a"));
        ledger.Record("b", "did b (cannot be undone)");
        ledger.Record("c", "did c", r => Undo(r, order, "c"));

        var report = await ledger.RollBackAsync();

        order.Should().Equal("c", "a");
        report.Undone.Should().Equal("undid c", "undid a");
        report.Left.Should().Equal("did b (cannot be undone)");
        report.Failure.Should().BeNull();
        ledger.Entries.Should().BeEmpty("each entry is undone at most once");
    }

    [Fact]
    public async Task An_undo_that_throws_stops_the_rollback_and_everything_not_undone_is_left()
    {
        var ledger = new StepLedger();
        var order = new List<string>();
        ledger.Record("overlays", "created overlay o", r => Undo(r, order, "overlays"));
        ledger.Record("define", "defined on o", _ => throw new InvalidOperationException("define refused"));
        ledger.Record("start", "started", r => Undo(r, order, "start"));

        var report = await ledger.RollBackAsync();

        order.Should().Equal("start");
        report.Failure!.Value.Step.Should().Be("define");
        report.Failure.Value.Error.Message.Should().Be("define refused");
        report.Left.Should().Equal("defined on o", "created overlay o");
    }

    [Fact]
    public async Task A_run_refuses_undeclared_steps_and_steps_out_of_order_but_lets_repeating_steps_repeat()
    {
        var sequence = new StepSequence("op", new StepDefinition("one", "doing one"), new StepDefinition("two", "doing two", Repeats: true),
            new StepDefinition("three", "doing three", Repeats: true));
        var hook = new FaultHook();
        var run = new OperationRun(sequence, hook, NullLogger.Instance, "dom");

        await run.Run("one", () => { }, CancellationToken.None);
        await run.Run("two", () => { }, CancellationToken.None, "x");
        await run.Run("three", () => { }, CancellationToken.None, "x");
        await run.Run("two", () => { }, CancellationToken.None, "y");

        hook.Before.Select(p => (p.Step, p.Occurrence, p.Subject)).Should().Equal(("one", 1, null), ("two", 1, "x"), ("three", 1, "x"), ("two", 2, "y"));
        await run.Invoking(r => r.Run("one", () => { }, CancellationToken.None)).Should().ThrowAsync<InvalidOperationException>().WithMessage("*'one' runs after 'two'*");
        await run.Invoking(r => r.Run("four", () => { }, CancellationToken.None)).Should().ThrowAsync<InvalidOperationException>().WithMessage("op declares no step 'four'");
        run.Current.Name.Should().Be("two");
    }

    private static Task Undo(RollbackReport report, List<string> order, string step)
    {
        order.Add(step);
        report.Undone.Add("undid " + step);
        return Task.CompletedTask;
    }
}
