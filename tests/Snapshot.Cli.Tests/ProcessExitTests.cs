namespace Snapshot.Cli.Tests;

/// <summary>
/// The process itself, started as a user starts it: a command that never connects still ends cleanly. Main loads
/// libvirt on a pool thread while it parses; an exit during that load aborted the NativeAOT binary (exit code 134 or
/// 139) about once in 125 runs here, so the native pass runs it many times; the managed build never showed it.
/// </summary>
public sealed class ProcessExitTests
{
    private static readonly int Runs = VirtSnap.Executable is null ? 20 : 600;

    [Theory]
    [InlineData("complete", "--", "no-such-command", "")]
    [InlineData("no-such-command")]
    public void A_command_that_never_connects_exits_with_its_own_code_every_time(params string[] args)
    {
        var expected = VirtSnap.RunProcess(VirtSnap.StartInfo(args)).ExitCode;
        expected.Should().BeLessThan(128, "the exit code is the command's, not a signal's");

        var codes = new int[Runs];
        Parallel.For(0, Runs, new ParallelOptions { MaxDegreeOfParallelism = 2 },
            i => codes[i] = VirtSnap.RunProcess(VirtSnap.StartInfo(args)).ExitCode);

        codes.Where(code => code != expected).Should().BeEmpty($"each of {Runs} runs of `virt-snap {string.Join(' ', args)}` exits with {expected}");
    }
}
