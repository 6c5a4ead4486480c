namespace Snapshot.Cli.Tests;

/// <summary>
/// The hidden complete command behind the .deb's bash completion: commands and options from the parser, domain and
/// snapshot names from the connected libvirt, for the word under the cursor (the last one).
/// </summary>
public sealed class CompletionTests(TestNode node) : IClassFixture<TestNode>
{
    private string[] Complete(params string[] words)
    {
        var result = VirtSnap.Run(["-c", node.Uri, "complete", "--", .. words]);
        result.ExitCode.Should().Be(0, result.Err);
        result.Err.Should().BeEmpty();
        return result.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    [Fact]
    public void First_word_completes_to_the_visible_commands()
    {
        Complete("").Should().Equal("snapshot-create", "snapshot-create-as", "snapshot-current", "snapshot-delete", "snapshot-dumpxml",
            "snapshot-info", "snapshot-list", "snapshot-parent", "snapshot-revert", "snapshot-recover", "snapshot-prune", "snapshot-group-create", "snapshot-group-list",
            "snapshot-group-info", "snapshot-group-revert", "snapshot-group-delete", "event", "version");
        Complete("snapshot-cr").Should().Equal("snapshot-create", "snapshot-create-as");
    }

    [Fact]
    public void Options_of_the_command_and_the_global_ones_except_those_given()
    {
        Complete("snapshot-list", "demo", "--t").Should().Equal("--tree", "--topological");
        Complete("snapshot-list", "--tree", "--t").Should().Equal("--topological");
        Complete("snapshot-info", "--").Should().Contain(["--domain", "--snapshotname", "--current", "--json", "--connect"]);
        Complete("--js").Should().Equal("--json");
    }

    [Fact]
    public void Domain_operand_completes_to_the_domains_of_the_connection()
    {
        Complete("snapshot-list", "").Should().Equal("2", "bare", "chain", "demo");
        Complete("snapshot-info", "--domain", "c").Should().Equal("chain");
    }

    [Fact]
    public void Snapshot_operand_completes_to_the_snapshots_of_the_named_domain()
    {
        Complete("snapshot-info", "chain", "").Should().Equal("a-third", "m-second", "z-first");
        Complete("snapshot-revert", "demo", "w").Should().Equal("with space");
        Complete("snapshot-delete", "--snapshotname", "z", "--domain", "ch").Should().Equal(["chain"], "the word under the cursor is the last one");
        Complete("snapshot-delete", "--domain", "chain", "--snapshotname", "m").Should().Equal("m-second");
        Complete("snapshot-list", "chain", "--from", "z").Should().Equal("z-first");
    }

    [Fact]
    public void Nothing_for_values_it_cannot_know_or_a_domain_that_is_not_there()
    {
        Complete("snapshot-create-as", "demo", "--memspec", "").Should().BeEmpty("bash falls back to file names");
        Complete("snapshot-info", "no-such-domain", "").Should().BeEmpty();
        Complete("no-such-command", "").Should().BeEmpty();
        Complete("snapshot-info", "demo", "base", "").Should().BeEmpty("both operands are given");
    }
}
