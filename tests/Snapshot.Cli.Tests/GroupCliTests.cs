namespace Snapshot.Cli.Tests;

/// <summary>The snapshot-group-* commands without a VM: an empty list in text and JSON, the JSON error envelope.</summary>
public sealed class GroupCliTests(TestNode node) : IClassFixture<TestNode>
{
    [Fact]
    public void A_connection_without_groups_lists_none_in_text_and_json()
    {
        VirtSnap.Run("-c", node.Uri, "snapshot-group-list").Should().Be(new CommandOutput(0,
            " Name   Creation Time   Domains\n---------------------------------\n\n", ""));
        VirtSnap.Run("-c", node.Uri, "snapshot-group-list", "--name").Should().Be(new CommandOutput(0, "\n", ""));
        VirtSnap.Run("-c", node.Uri, "--json", "snapshot-group-list").Should().Be(new CommandOutput(0,
            "{\"version\":1,\"command\":\"snapshot-group-list\",\"data\":[]}\n", ""));
    }

    [Fact]
    public void A_missing_group_is_not_found_in_the_json_envelope()
    {
        var result = VirtSnap.Run("-c", node.Uri, "--json", "snapshot-group-info", "nosuch");

        result.ExitCode.Should().Be(3);
        result.Out.Should().Be($"{{\"version\":1,\"error\":{{\"kind\":\"not-found\",\"message\":\"no group snapshot named 'nosuch' on {node.Uri}\"}}}}\n");
    }
}
