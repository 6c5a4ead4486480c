using Microsoft.Extensions.Logging;
using Snapshot.Cli.Common;

namespace Snapshot.Cli.Tests;

/// <summary>-v's log: the console logger's single-line form, every line written by the time the process ends.</summary>
public sealed class VerboseLogTests(TestNode node) : IClassFixture<TestNode>
{
    [Fact]
    public void An_entry_is_one_line_with_its_level_category_and_event_id()
    {
        using var written = new StringWriter();
        using (var log = new StderrLog(written))
        {
            var logger = log.CreateLogger("Snapshot.Engine.Test");
            logger.Log(LogLevel.Debug, new EventId(7), "first\nsecond", null, (s, _) => s);
            logger.Log(LogLevel.Warning, new EventId(8), "careful", null, (s, _) => s);
            logger.Log(LogLevel.Trace, new EventId(9), "not shown", null, (s, _) => s);
        }

        written.ToString().Should().Be("dbug: Snapshot.Engine.Test[7] first second\nwarn: Snapshot.Engine.Test[8] careful\n");
    }

    [Fact]
    public void An_exception_goes_on_its_entrys_line()
    {
        using var written = new StringWriter();
        using (var log = new StderrLog(written))
        {
            log.CreateLogger("c").Log(LogLevel.Error, new EventId(1), "failed", new InvalidOperationException("why"), (s, _) => s);
        }

        written.ToString().Should().Be("fail: c[1] failed System.InvalidOperationException: why\n");
    }

    [Fact]
    public void A_process_run_with_v_logs_its_start_and_the_engines_steps_before_it_exits()
    {
        var result = VirtSnap.RunProcess(VirtSnap.StartInfo("-c", node.Uri, "-v", "snapshot-create-as", "demo", "verbose-log"));

        result.ExitCode.Should().Be(0, result.Err);
        result.Out.Should().Be("Domain snapshot verbose-log created\n");
        var lines = result.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Should().Contain(l => l.StartsWith("dbug: virt-snap[", StringComparison.Ordinal) && l.Contains("virt-snap startup: main at ", StringComparison.Ordinal));
        lines.Should().Contain(l => l.StartsWith("dbug: Snapshot.Engine.SnapshotEngine[", StringComparison.Ordinal) && l.Contains("Creating snapshot of demo", StringComparison.Ordinal));
    }
}
