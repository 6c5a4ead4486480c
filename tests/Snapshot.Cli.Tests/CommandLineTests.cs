using System.Text.Json;

namespace Snapshot.Cli.Tests;

/// <summary>Global options, help, completion, JSON envelopes and the event loop.</summary>
public sealed class CommandLineTests(TestNode node) : IClassFixture<TestNode>
{
    [Theory]
    [InlineData("--help")]
    [InlineData("snapshot-list --help")]
    [InlineData("snapshot-create-as -h")]
    public void Help_lists_the_exit_codes_and_exits_0(string commandLine)
    {
        var result = VirtSnap.Run(commandLine.Split(' '));

        result.ExitCode.Should().Be(0);
        result.Out.Should().Contain("Usage:").And.Contain("Exit codes:").And.Contain("  3    domain or snapshot not found\n").And.Contain("  5    busy: another operation runs on the domain (retry later)\n");
    }

    [Fact]
    public void Subcommand_help_shows_virshs_options_and_positional_forms()
    {
        var result = VirtSnap.Run("snapshot-create-as", "--help");

        result.Out.Should().Contain("<domain>").And.Contain("--domain <string>").And.Contain("--memspec <string>")
            .And.Contain("--diskspec <string>").And.Contain("--instant").And.Contain("--json").And.Contain("--connect <URI>");
    }

    [Fact]
    public void Completion_suggests_commands_and_options()
    {
        VirtSnap.Run("[suggest]", "snapshot-l").Out.Should().Be("snapshot-list\n");
        VirtSnap.Run("[suggest:18]", "snapshot-list --tr").Out.Should().Be("--tree\n");
    }

    [Fact]
    public void Options_may_come_before_or_after_the_operands_and_global_options_anywhere()
    {
        var a = VirtSnap.Run("-c", node.Uri, "snapshot-list", "demo", "--name");
        var b = VirtSnap.Run("snapshot-list", "--name", "--domain", "demo", "--connect", node.Uri);

        a.ExitCode.Should().Be(0);
        b.Should().Be(a);
    }

    [Fact]
    public void Json_list_is_the_versioned_envelope_in_virshs_order()
    {
        var result = VirtSnap.Run("-c", node.Uri, "--json", "snapshot-list", "demo", "--roots");

        result.ExitCode.Should().Be(0);
        result.Out.Should().EndWith("}\n").And.NotContain("\n{");
        using var doc = JsonDocument.Parse(result.Out);
        doc.RootElement.GetProperty("version").GetInt32().Should().Be(1);
        doc.RootElement.GetProperty("command").GetString().Should().Be("snapshot-list");
        var data = doc.RootElement.GetProperty("data");
        data.EnumerateArray().Select(s => s.GetProperty("name").GetString()).Should().Equal("base", "root2");
        var base_ = data[0];
        base_.GetProperty("state").GetString().Should().Be("shutoff");
        base_.GetProperty("creationTimeUnix").GetInt64().Should().Be(1700000000);
        base_.GetProperty("location").GetString().Should().Be("internal");
        base_.GetProperty("parent").ValueKind.Should().Be(JsonValueKind.Null);
    }

    [Fact]
    public void Json_info_carries_counts_and_the_snapshot()
    {
        var result = VirtSnap.Run("-c", node.Uri, "snapshot-info", "demo", "ext-disk", "--json");

        using var doc = JsonDocument.Parse(result.Out);
        var data = doc.RootElement.GetProperty("data");
        data.GetProperty("children").GetInt32().Should().Be(0);
        data.GetProperty("metadata").GetBoolean().Should().BeTrue();
        var snapshot = data.GetProperty("snapshot");
        snapshot.GetProperty("location").GetString().Should().Be("external");
        snapshot.GetProperty("parent").GetString().Should().Be("root2");
        snapshot.GetProperty("disks")[0].GetProperty("file").GetString().Should().Be("/guest/ext-disk.qcow2");
    }

    [Fact]
    public void Json_mode_prints_no_virsh_text_for_writes()
    {
        var result = VirtSnap.Run("-c", node.Uri, "--json", "snapshot-delete", "demo", "base");

        result.ExitCode.Should().Be(0);
        result.Out.Should().Be("{\"version\":1,\"command\":\"snapshot-delete\",\"data\":{\"name\":\"base\",\"mode\":\"snapshot\",\"metadataOnly\":false,\"deleted\":[\"base\"],\"bytesMerged\":0}}\n");
    }

    [Fact]
    public void Json_prune_names_the_snapshots_and_the_bytes_merged()
    {
        var result = VirtSnap.Run("-c", node.Uri, "--json", "snapshot-prune", "chain", "--keep", "1", "--dry-run");

        result.ExitCode.Should().Be(0, result.Err);
        using var doc = JsonDocument.Parse(result.Out);
        var data = doc.RootElement.GetProperty("data");
        data.EnumerateObject().Select(p => p.Name).Should().Equal(["dryRun", "snapshots", "bytesMerged"]);
        data.GetProperty("dryRun").GetBoolean().Should().BeTrue();
        data.GetProperty("snapshots").EnumerateArray().Select(s => s.GetProperty("name").GetString()).Should().Equal(["z-first", "m-second"]);
        data.GetProperty("bytesMerged").GetInt64().Should().Be(0, "a dry run merges nothing");
    }

    [Fact]
    public void Quiet_drops_informational_messages_and_virshs_trailing_newline()
    {
        var result = VirtSnap.Run("-c", node.Uri, "-q", "snapshot-create-as", "demo", "fresh");

        result.ExitCode.Should().Be(0);
        result.Out.Should().BeEmpty();
        result.Err.Should().BeEmpty();
    }

    [Fact]
    public void Event_loop_timeout_prints_what_virsh_prints()
    {
        string[] args = ["-c", node.Uri, "event", "--domain", "demo", "--event", "lifecycle", "--loop", "--timeout", "1", "--timestamp"];
        var ours = VirtSnap.Run(args);
        var theirs = Virsh.Run(args);

        ours.Out.Should().Be(theirs.Out).And.Be("event loop timed out\nevents received: 0\n\n");
        ours.ExitCode.Should().Be(1, "no event arrived");
    }

    [Fact]
    public void Event_list_names_the_watchable_types()
    {
        VirtSnap.Run("event", "--list").Out.Should().Be("lifecycle\n\n");
    }
}

/// <summary>Touches the process environment, so it runs alone.</summary>
[CollectionDefinition(nameof(EnvironmentCollection), DisableParallelization = true)]
public sealed class EnvironmentCollection;

[Collection(nameof(EnvironmentCollection))]
public sealed class DefaultUriTests(TestNode node) : IClassFixture<TestNode>
{
    [Fact]
    public void Without_connect_the_uri_comes_from_LIBVIRT_DEFAULT_URI()
    {
        var saved = Environment.GetEnvironmentVariable("LIBVIRT_DEFAULT_URI");
        try
        {
            Environment.SetEnvironmentVariable("LIBVIRT_DEFAULT_URI", node.Uri);
            var result = VirtSnap.Run("snapshot-current", "demo", "--name");

            result.ExitCode.Should().Be(0, result.Err);
            result.Out.Should().Be(TestNode.QuoteName + "\n");
        }
        finally
        {
            Environment.SetEnvironmentVariable("LIBVIRT_DEFAULT_URI", saved);
        }
    }
}
