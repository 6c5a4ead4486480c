namespace Snapshot.Cli.Tests;

/// <summary>Failures: the exit code by kind, and exactly one <c>error:</c> line on stderr.</summary>
public sealed class ErrorTests(TestNode node) : IClassFixture<TestNode>
{
    public static TheoryData<string, int, string> Failures() => new()
    {
        // not found (3)
        { "snapshot-list nodom", 3, "error: failed to get domain 'nodom'" },
        { "snapshot-info nodom base", 3, "error: failed to get domain 'nodom'" },
        { "snapshot-info demo nosnap", 3, "error: Domain snapshot not found: no domain snapshot with matching name 'nosnap'" },
        { "snapshot-dumpxml demo nosnap", 3, "error: Domain snapshot not found: no domain snapshot with matching name 'nosnap'" },
        { "snapshot-list demo --from nosnap", 3, "error: Domain snapshot not found: no domain snapshot with matching name 'nosnap'" },
        { "snapshot-delete demo nosnap", 3, "error: Domain snapshot not found: no domain snapshot with matching name 'nosnap'" },
        { "snapshot-revert demo nosnap", 3, "error: Domain snapshot not found: no domain snapshot with matching name 'nosnap'" },
        { "snapshot-parent demo base", 3, "error: snapshot 'base' has no parent" },
        { "snapshot-current bare --name", 3, "error: domain 'bare' has no current snapshot" },
        { "snapshot-current bare", 3, "error: domain 'bare' has no current snapshot" },
        { "snapshot-info bare --current", 3, "error: Domain snapshot not found: the domain does not have a current snapshot" },
        { "snapshot-group-info nosuch", 3, "error: no group snapshot named 'nosuch' on test://" },
        { "snapshot-group-revert nosuch", 3, "error: no group snapshot named 'nosuch' on test://" },
        { "snapshot-group-delete nosuch", 3, "error: no group snapshot named 'nosuch' on test://" },
        { "snapshot-group-create g demo nodom --instant", 3, "error: failed to get domain 'nodom'" },

        // bad usage or input (2)
        { "snapshot-list", 2, "error: command 'snapshot-list' requires <domain> option" },
        { "snapshot-dumpxml demo", 2, "error: command 'snapshot-dumpxml' requires <snapshotname> option" },
        { "snapshot-list demo --bogus", 2, "error: command 'snapshot-list' doesn't support option --bogus" },
        { "snapshot-info demo base --bogus", 2, "error: command 'snapshot-info' doesn't support option --bogus" },
        { "snapshot-info --domain demo --snapshotname base extra", 2, "error: unexpected data 'extra'" },
        { "snapshot-list demo --tree --name", 2, "error: Options --tree and --name are mutually exclusive" },
        { "snapshot-list demo --parent --roots", 2, "error: Options --parent and --roots are mutually exclusive" },
        { "snapshot-list demo --roots --from base", 2, "error: Options --roots and --from are mutually exclusive" },
        { "snapshot-list demo --tree --leaves", 2, "error: --leaves and --tree are mutually exclusive" },
        { "snapshot-list demo --descendants", 2, "error: --descendants requires either --from or --current" },
        { "snapshot-list demo --from base --current", 2, "error: --from and --current are mutually exclusive" },
        { "snapshot-info demo", 2, "error: --snapshotname or --current is required" },
        { "snapshot-delete demo --current --snapshotname base", 2, "error: --snapshotname and --current are mutually exclusive" },
        { "snapshot-current demo --name --snapshotname base", 2, "error: Options --name and --snapshotname are mutually exclusive" },
        { "snapshot-revert demo base --running --paused", 2, "error: Flags 'VIR_DOMAIN_SNAPSHOT_REVERT_RUNNING' and 'VIR_DOMAIN_SNAPSHOT_REVERT_PAUSED' are mutually exclusive" },
        { "snapshot-delete demo base --children --children-only", 2, "error: Flags 'VIR_DOMAIN_SNAPSHOT_DELETE_CHILDREN' and 'VIR_DOMAIN_SNAPSHOT_DELETE_CHILDREN_ONLY' are mutually exclusive" },
        { "snapshot-create-as demo --quiesce", 2, "error: --quiesce requires --disk-only" },
        { "snapshot-create-as demo --memspec bad=1", 2, "error: unable to parse memspec: bad=1" },
        { "snapshot-create-as demo --diskspec vda,bad=1", 2, "error: unable to parse diskspec: vda,bad=1" },
        { "snapshot-create-as demo --instant", 2, "error: --instant needs a memory file" },
        // The engine names its options in the library's words; the CLI's message names its flags.
        { "snapshot-create-as demo --instant --disk-only --memspec /tmp/i.mem", 2, "error: --instant cannot go with --disk-only: " },
        { "snapshot-create-as demo --live --disk-only", 2, "error: --live applies to snapshots with memory; it cannot go with --disk-only\n" },
        { "snapshot-create demo --xmlfile /nonexistent/snap.xml", 2, "error: Failed to open file '/nonexistent/snap.xml': No such file or directory" },
        { "snapshot-group-create g", 2, "error: command 'snapshot-group-create' requires <domain> option" },
        { "snapshot-group-create g demo", 2, "error: snapshot-group-create needs --instant: " },
        { "snapshot-group-create a/b demo --instant", 2, "error: the group's name 'a/b' names its files: it may not contain '/'" },
        { "snapshot-group-create g demo demo --instant", 2, "error: domain 'demo' is named twice in the group" },
        { "snapshot-group-create g demo --instant --dir relative", 2, "error: the group's directory must be an absolute path to an existing directory, got 'relative'" },
        { "snapshot-group-revert g --running --paused", 2, "error: Flags 'VIR_DOMAIN_SNAPSHOT_REVERT_RUNNING' and 'VIR_DOMAIN_SNAPSHOT_REVERT_PAUSED' are mutually exclusive" },
        { "snapshot-group-info", 2, "error: command 'snapshot-group-info' requires <group> option" },
        { "event --domain demo", 2, "error: one of --list, --all, or --event <type> is required" },
        { "event --event reboot", 2, "error: unknown event type reboot" },
        { "nosuchcommand", 2, "error: unknown command: 'nosuchcommand'" },

        // failed (1) and not supported (4)
        { "snapshot-create-as demo base", 1, "error: operation failed: domain moment base already exists" },
        { "snapshot-revert demo ext-disk", 3, "error: frozen image '/guest/demo.img' of disk vda (snapshot 'ext-disk') does not exist" },
        { "snapshot-delete demo Zeta --metadata", 4, "error: unsupported flags (0x2) in function testDomainSnapshotDelete" },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public void Failure_exits_with_its_code_and_one_error_line(string commandLine, int exitCode, string errorStart)
    {
        var result = VirtSnap.Run(["-c", node.Uri, .. commandLine.Split(' ')]);

        result.ExitCode.Should().Be(exitCode, result.Err);
        result.Err.Should().StartWith(errorStart).And.EndWith("\n");
        result.Err.Count(c => c == '\n').Should().Be(1, "one line, no stack trace");
    }

    [Theory]
    [InlineData("snapshot-info nodom base")]
    [InlineData("snapshot-list demo --tree --name")]
    [InlineData("snapshot-parent demo base")]
    public void A_command_that_ran_ends_stdout_with_virshs_newline_even_when_it_failed(string commandLine)
    {
        var ours = VirtSnap.Run(["-c", node.Uri, .. commandLine.Split(' ')]);
        var theirs = Virsh.Run(["-c", node.Uri, .. commandLine.Split(' ')]);

        theirs.ExitCode.Should().NotBe(0);
        ours.Out.Should().Be(theirs.Out).And.Be("\n");
    }

    [Theory]
    [InlineData("snapshot-list")]
    [InlineData("snapshot-list demo --bogus")]
    public void A_command_line_virsh_rejects_before_running_prints_nothing_on_stdout(string commandLine)
    {
        var ours = VirtSnap.Run(["-c", node.Uri, .. commandLine.Split(' ')]);
        var theirs = Virsh.Run(["-c", node.Uri, .. commandLine.Split(' ')]);

        ours.Out.Should().Be(theirs.Out).And.BeEmpty();
        ours.ExitCode.Should().Be(2);
    }

    [Fact]
    public void Verbose_adds_the_stack_trace_after_the_error_line()
    {
        var result = VirtSnap.Run("-c", node.Uri, "-v", "snapshot-info", "demo", "nosnap");

        result.ExitCode.Should().Be(3);
        result.Err.Should().StartWith("error: Domain snapshot not found").And.Contain("   at ");
    }

    [Fact]
    public async Task Cancellation_exits_130()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        var code = await Cli.RunAsync(["-c", node.Uri, "snapshot-delete", "demo", "base"], output, error, cancelled.Token);

        code.Should().Be(130);
        error.ToString().Should().Be("error: operation cancelled\n");
    }

    [Fact]
    public void Json_errors_are_an_error_envelope_on_stdout()
    {
        var result = VirtSnap.Run("-c", node.Uri, "--json", "snapshot-info", "demo", "nosnap");

        result.ExitCode.Should().Be(3);
        result.Out.Should().Be("{\"version\":1,\"error\":{\"kind\":\"not-found\",\"message\":\"Domain snapshot not found: no domain snapshot with matching name 'nosnap'\"}}\n");
        result.Err.Should().Be("error: Domain snapshot not found: no domain snapshot with matching name 'nosnap'\n");
    }
}
