using Snapshot.Cli.Output;

namespace Snapshot.Cli.Tests;

/// <summary>A stdout that cannot be written: one line and exit 1, or (a reader gone) a quiet 141.</summary>
public sealed class OutputErrorTests(TestNode node) : IClassFixture<TestNode>
{
    [Fact]
    public void A_full_stdout_is_one_error_line_and_exit_1()
    {
        var result = VirtSnapShell.Run($"$VIRT_SNAP -c {node.Uri} snapshot-list demo > /dev/full");

        result.Err.Should().Be("error: failed to write to standard output: No space left on device\n");
        result.ExitCode.Should().Be(1);
    }

    [Fact]
    public void A_closed_pipe_ends_quietly_with_141_as_a_sigpipe_death_would()
    {
        // The reader is gone before virt-snap writes (virsh dies of SIGPIPE here; bash reports 141).
        var result = VirtSnapShell.Run($"(sleep 1; exec $VIRT_SNAP -c {node.Uri} snapshot-list demo) | true; echo \"exit ${{PIPESTATUS[0]}}\"");

        result.Out.Should().Be("exit 141\n");
        result.Err.Should().BeEmpty();
    }

    [Fact]
    public void A_closed_stdout_is_one_error_line_and_exit_1()
    {
        var result = VirtSnapShell.Run($"$VIRT_SNAP -c {node.Uri} snapshot-list demo >&-");

        result.Err.Should().Be("error: failed to write to standard output: Bad file descriptor\n");
        result.ExitCode.Should().Be(1);
    }

    [Fact]
    public void A_closed_stderr_keeps_the_exit_code_of_the_failure()
    {
        var result = VirtSnapShell.Run($"$VIRT_SNAP -c {node.Uri} snapshot-info demo nosnap 2>&-");

        result.ExitCode.Should().Be(3, "the error line is lost, not the code (it was 134, an abort)");
        result.Out.Should().Be("\n");
    }

    [Fact]
    public void Stdout_and_stderr_into_one_file_keep_both()
    {
        var file = Path.Combine(Path.GetTempPath(), $"virt-snap-both-{Guid.NewGuid():N}.log");
        try
        {
            var result = VirtSnapShell.Run($"$VIRT_SNAP -c {node.Uri} snapshot-info demo nosnap > {file} 2>&1");

            result.ExitCode.Should().Be(3);
            File.ReadAllText(file).Should().Be("error: Domain snapshot not found: no domain snapshot with matching name 'nosnap'\n\n");
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void A_write_error_never_reaches_the_command_and_is_reported_once_it_is_done()
    {
        using var error = new StringWriter();
        using var full = new FailingWriter(28, "No space left on device");

        var code = Cli.Run(["-c", node.Uri, "snapshot-delete", "demo", "Zeta"], full, error);

        code.Should().Be(1);
        error.ToString().Should().Be("error: failed to write to standard output: No space left on device\n");
        full.Writes.Should().Be(1, "everything after the first failed write is dropped");
    }

    [Fact]
    public void A_command_that_failed_keeps_its_code_and_its_one_line_when_stdout_fails_too()
    {
        using var error = new StringWriter();
        using var gone = new FailingWriter(32, "Broken pipe");

        var code = Cli.Run(["-c", node.Uri, "snapshot-info", "demo", "nosnap"], gone, error);

        code.Should().Be(3);
        error.ToString().Should().Be("error: Domain snapshot not found: no domain snapshot with matching name 'nosnap'\n");
    }

    [Fact]
    public void The_guard_reports_a_reader_gone_by_its_errno()
    {
        using var gone = new GuardedWriter(new FailingWriter(32, "Broken pipe"));
        gone.Write("x");

        gone.ReaderGone.Should().BeTrue();
        gone.Failed.IsCancellationRequested.Should().BeTrue();
    }

    /// <summary>A stdout whose every write fails with the given errno (as .NET reports it on Linux).</summary>
    private sealed class FailingWriter(int errno, string message) : StringWriter
    {
        public int Writes { get; private set; }

        public override void Write(char value) => Fail();

        public override void Write(string? value) => Fail();

        public override void Write(char[] buffer, int index, int count) => Fail();

        public override void Write(ReadOnlySpan<char> buffer) => Fail();

        private void Fail()
        {
            Writes++;
            throw new IOException(message, errno);
        }
    }
}
