namespace Snapshot.Cli.Tests;

/// <summary>
/// Bad input that virsh 9.0 refuses too: the same stderr and stdout, byte for byte; the exit code says
/// bad input (2) where virsh's is 1 for everything.
/// </summary>
public sealed class BadInputVirshTests(TestNode node) : IClassFixture<TestNode>
{
    [Theory]
    [InlineData("nosuch")]
    [InlineData("nosuch demo")]
    [InlineData("snapshot-list ''")]
    [InlineData("snapshot-info demo ''")]
    [InlineData("snapshot-create-as demo ''")]
    [InlineData("snapshot-create-as demo x ''")]
    [InlineData("snapshot-create-as demo --memspec ''")]
    [InlineData("snapshot-create-as demo x --memspec")]
    [InlineData("snapshot-list demo --from")]
    [InlineData("snapshot-list demo --from ''")]
    [InlineData("snapshot-create demo ''")]
    [InlineData("snapshot-create demo /")]
    [InlineData("event --event ''")]
    [InlineData("event --all --timeout abc")]
    [InlineData("event --all --timeout 0")]
    [InlineData("event --all --timeout 2147484")]
    [InlineData("event --all --timeout")]
    public void Ours_prints_what_virsh_prints_and_exits_2(string commandLine)
    {
        string[] args = ["-c", node.Uri, .. commandLine.Split(' ').Select(a => a == "''" ? "" : a)];

        var theirs = Virsh.Run(args);
        var ours = VirtSnap.Run(args);

        theirs.ExitCode.Should().Be(1, theirs.Err);
        ours.Err.Should().Be(theirs.Err);
        ours.Out.Should().Be(theirs.Out);
        ours.ExitCode.Should().Be(2);
    }

    [Theory]
    [InlineData("-c")]
    [InlineData("--connect")]
    [InlineData("--bogus")]
    public void A_bad_global_option_is_virshs_line(string option)
    {
        var theirs = Virsh.Run(option);
        var ours = VirtSnap.Run(option);

        theirs.ExitCode.Should().Be(1, theirs.Err);
        ours.Err.Should().Be(theirs.Err);
        ours.ExitCode.Should().Be(2);
    }

    [Fact]
    public void Print_xml_for_no_domain_fails_as_virsh_does()
    {
        string[] args = ["-c", node.Uri, "snapshot-create-as", "nodom", "x", "--print-xml"];

        var theirs = Virsh.Run(args);
        var ours = VirtSnap.Run(args);

        theirs.ExitCode.Should().NotBe(0);
        ours.Err.Should().Be(theirs.Err);
        ours.Out.Should().Be(theirs.Out).And.Be("\n");
        ours.ExitCode.Should().Be(3);
    }
}
