using System.Text.RegularExpressions;

namespace Snapshot.Engine.Tests;

/// <summary>docs/architecture.md's step tables name the steps exactly as the operations declare them, in their order.</summary>
public sealed partial class StepTableDocTests
{
    public static TheoryData<string, string> Sections() => new()
    {
        { "### Steps", InstantSnapshot.Sequence.Operation },
        { "## The external revert sequence", ExternalRevert.Sequence.Operation },
        { "## The keep-current revert sequence", KeepCurrentRevert.Sequence.Operation },
        { "## The delete sequence", SnapshotDelete.Sequence.Operation },
    };

    [Theory]
    [MemberData(nameof(Sections))]
    public void The_table_lists_the_operations_steps_in_order(string heading, string operation)
    {
        var sequence = new[] { InstantSnapshot.Sequence, ExternalRevert.Sequence, KeepCurrentRevert.Sequence, SnapshotDelete.Sequence }.Single(s => s.Operation == operation);
        var doc = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "architecture.md"));
        var start = doc.IndexOf(heading + "\n", StringComparison.Ordinal);
        start.Should().BeGreaterThan(0, $"docs/architecture.md has a section '{heading}'");
        var rows = doc[start..].Split('\n').SkipWhile(l => !l.StartsWith('|')).TakeWhile(l => l.StartsWith('|'));

        var steps = rows.Select(r => StepCell().Match(r)).Where(m => m.Success).Select(m => m.Groups[1].Value);

        steps.Should().Equal(sequence.Names);
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Snapshot.sln")))
            directory = directory.Parent;
        return directory?.FullName ?? throw new InvalidOperationException("no Snapshot.sln above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex(@"^\| \d+ \| `([a-z-]+)`")]
    private static partial Regex StepCell();
}
