using Snapshot.Cli.Commands.Event;
using Snapshot.Cli.Output;
using Snapshot.Engine;

namespace Snapshot.Cli.Tests;

/// <summary>The shared output layer on its own: virsh's table, tree, times and event lines.</summary>
public sealed class OutputLayerTests
{
    [Fact]
    public void Table_pads_each_column_to_its_widest_cell_plus_two_and_dashes_add_three_per_column()
    {
        var table = new VirshTable("Name", "Creation Time", "State");
        table.AddRow("a", "2023-11-14 22:13:20 +0000", "shutoff");
        table.AddRow("longer name", "2023-11-14 22:13:20 +0000", "running");

        table.Render(header: true).Should().Be(
            " Name          Creation Time               State\n" +
            new string('-', 14 + 28 + 10) + "\n" +
            " a             2023-11-14 22:13:20 +0000   shutoff\n" +
            " longer name   2023-11-14 22:13:20 +0000   running\n");
    }

    [Fact]
    public void An_empty_table_is_sized_by_its_header_and_quiet_drops_the_header()
    {
        var table = new VirshTable("Name", "Creation Time", "State");

        table.Render(header: true).Should().Be(" Name   Creation Time   State\n-------------------------------\n");
        table.Render(header: false).Should().BeEmpty();
    }

    [Fact]
    public void Table_cells_show_control_characters_as_hex_and_count_wide_characters_twice()
    {
        VirshTable.Encode("a\tb", utf8: false).Should().Be(("a\\x09b", 6));
        VirshTable.Encode("c:\\xy", utf8: false).Should().Be(("c:\\x5cxy", 8));
        VirshTable.Encode("快照", utf8: true).Width.Should().Be(4);
        VirshTable.Encode("快照", utf8: false).Width.Should().Be(24);
    }

    [Fact]
    public void Tree_draws_branches_like_virsh()
    {
        var tree = VirshTree.Render([("root", null), ("a", "root"), ("a1", "a"), ("b", "root"), ("solo", null)]);

        tree.Should().Be(
            "root\n" +
            "  |\n" +
            "  +- a\n" +
            "  |   |\n" +
            "  |   +- a1\n" +
            "  |     \n" +
            "  +- b\n" +
            "    \n" +
            "solo\n" +
            "\n");
    }

    [Fact]
    public void Names_sort_like_ascii_strcasecmp()
    {
        string[] names = ["Zeta", "alpha", "a&b", "B", "a b"];

        names.Order(Comparer<string>.Create(VirshFormat.CompareNames)).Should().Equal("a b", "a&b", "alpha", "B", "Zeta");
    }

    [Fact]
    public void Event_lines_use_virshs_words_and_its_utc_timestamp()
    {
        var time = new DateTimeOffset(2026, 11, 22, 3, 4, 5, 678, TimeSpan.Zero);
        var suspended = new LifecycleEvent("web", Guid.Empty, LifecycleEventType.Suspended, LifecycleEventDetail.SuspendedIOError, time);
        var stopped = new LifecycleEvent("web", Guid.Empty, LifecycleEventType.Stopped, LifecycleEventDetail.StoppedFromSnapshot, time);

        EventCommand.Format(suspended, timestamp: false).Should().Be("event 'lifecycle' for domain 'web': Suspended I/O Error\n");
        EventCommand.Format(stopped, timestamp: true).Should().Be("2026-11-22 03:04:05.678+0000: event 'lifecycle' for domain 'web': Stopped Snapshot\n");
    }

    [Fact]
    public void Version_numbers_always_have_three_parts()
    {
        VirshFormat.Version(new Version(9, 0)).Should().Be("9.0.0");
        VirshFormat.Version(new Version(7, 2, 22)).Should().Be("7.2.22");
    }
}
