using System.Text.Json;

namespace Snapshot.Cli.Tests;

/// <summary>snapshot-dumpxml --xpath [--wrap], byte for byte against virsh 9.0.</summary>
public sealed class DumpXmlXPathTests(UnusualNode node) : IClassFixture<UnusualNode>
{
    public static TheoryData<string, string> Selections()
    {
        string[] expressions =
        [
            "/domainsnapshot/name", "//name", "name", ".", "/domainsnapshot/memory/@snapshot", "//@*",
            "//disk/source/@file", "/domainsnapshot/domain/devices", "//description", "//description/text()",
            "//metadata", "//metadata/*", "//*[local-name()='e']", "/", "//nothing", "//name/text()",
            "/domainsnapshot/creationTime|/domainsnapshot/state", "//text()", "/|//name",
        ];
        var data = new TheoryData<string, string>();
        foreach (var snapshot in new[] { "base", "café", "tab\there", "new\nline", "a&b<\"q\">" })
        {
            foreach (var x in snapshot == "base" ? expressions : ["//name", "/domainsnapshot/name/text()", "/domainsnapshot/parent"])
            {
                data.Add(snapshot, x);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Selections))]
    public void Selected_nodes_print_as_virsh_prints_them(string snapshot, string xpath)
    {
        foreach (var wrap in new[] { false, true })
        {
            string[] args = ["-c", node.Uri, "snapshot-dumpxml", "demo", snapshot, "--xpath", xpath, .. wrap ? new[] { "--wrap" } : []];
            var theirs = Virsh.Run(args);
            var ours = VirtSnap.Run(args);

            theirs.ExitCode.Should().Be(0, theirs.Err);
            ours.Err.Should().BeEmpty();
            ours.ExitCode.Should().Be(0);
            ours.Out.Should().Be(theirs.Out, $"--xpath {xpath}{(wrap ? " --wrap" : "")}");
        }
    }

    [Theory]
    [InlineData("string(/domainsnapshot/name)")]
    [InlineData("count(//disk)")]
    [InlineData("true()")]
    public void A_result_that_is_no_node_set_is_virshs_error_with_exit_2(string xpath)
    {
        string[] args = ["-c", node.Uri, "snapshot-dumpxml", "demo", "base", "--xpath", xpath];
        var theirs = Virsh.Run(args);
        var ours = VirtSnap.Run(args);

        ours.Err.Should().Be(theirs.Err).And.Be($"error: internal error: Incorrect xpath '{xpath}'\n");
        ours.Out.Should().Be(theirs.Out);
        ours.ExitCode.Should().Be(2);
    }

    [Theory]
    [InlineData("///bad[")]
    [InlineData("foo:bar")]
    [InlineData("nosuchfn()")]
    public void A_bad_expression_is_one_error_line_and_exit_2(string xpath)
    {
        // virsh lets libxml2 print "XPath error : ..." and exits 0 with nothing selected.
        var ours = VirtSnap.Run("-c", node.Uri, "snapshot-dumpxml", "demo", "base", "--xpath", xpath);

        ours.Err.Should().Be($"error: XPath error: Invalid expression '{xpath}'\n");
        ours.ExitCode.Should().Be(2);
    }

    [Fact]
    public void Wrap_without_xpath_is_the_whole_xml_as_in_virsh()
    {
        string[] args = ["-c", node.Uri, "snapshot-dumpxml", "demo", "base", "--wrap"];

        VirtSnap.Run(args).Out.Should().Be(Virsh.Run(args).Out);
    }

    [Fact]
    public void Json_carries_each_node_and_the_wrapped_document()
    {
        var result = VirtSnap.Run("-c", node.Uri, "--json", "snapshot-dumpxml", "demo", "base", "--xpath", "//name", "--wrap");

        result.ExitCode.Should().Be(0, result.Err);
        using var doc = JsonDocument.Parse(result.Out);
        doc.RootElement.GetProperty("command").GetString().Should().Be("snapshot-dumpxml");
        var data = doc.RootElement.GetProperty("data");
        data.GetProperty("name").GetString().Should().Be("base");
        data.GetProperty("xpath").GetString().Should().Be("//name");
        data.GetProperty("nodes").EnumerateArray().Select(n => n.GetString()).Should().Equal("<name>base</name>", "<name>demo</name>");
        data.GetProperty("wrapped").GetString().Should().Be("<nodes>\n  <name>base</name>\n  <name>demo</name>\n</nodes>");
    }
}
