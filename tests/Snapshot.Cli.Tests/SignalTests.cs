using System.Diagnostics;

namespace Snapshot.Cli.Tests;

/// <summary>The real virt-snap process and the signals CI runners send.</summary>
public sealed class SignalTests
{
    [Theory]
    [InlineData("TERM", 143)]
    [InlineData("HUP", 129)]
    [InlineData("INT", 130)]
    public async Task A_signal_cancels_like_ctrl_c_instead_of_killing_the_process(string signal, int killedExitCode)
    {
        var (code, stdout, stderr) = await SignalEventLoop([signal]);

        stdout.Should().Be("event loop interrupted\nevents received: 0\n\n");
        stderr.Should().BeEmpty();
        code.Should().NotBe(killedExitCode, $"a process killed by SIG{signal} exits {killedExitCode}; a cancelled one ends its loop as after Ctrl-C");
    }

    [Fact]
    public async Task Signals_after_the_first_never_end_the_process()
    {
        var (code, stdout, stderr) = await SignalEventLoop(["INT", "TERM", "HUP", "INT"]);

        stdout.Should().Be("event loop interrupted\nevents received: 0\n\n");
        code.Should().Be(1, "the loop ended as cancelled (no event received), not by a signal");
        stderr.Should().BeOneOf("", SignalCancellation.StillCleaningUp + "\n");
    }

    [Fact]
    public void The_second_signal_says_once_that_the_cleanup_goes_on()
    {
        using var error = new StringWriter();
        using var signals = new SignalCancellation(error, register: false);

        signals.OnSignal();
        signals.Token.IsCancellationRequested.Should().BeTrue();
        error.ToString().Should().BeEmpty();

        signals.OnSignal();
        signals.OnSignal();
        error.ToString().Should().Be(SignalCancellation.StillCleaningUp + "\n");
    }

    private static async Task<(int Code, string Out, string Err)> SignalEventLoop(string[] signals)
    {
        using var process = Process.Start(WithDefaultSignals(VirtSnap.StartInfo("-c", "test:///default", "event", "--all", "--loop")))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        // A loaded machine may take seconds to start the runtime: signal only once virt-snap catches them all.
        await WaitUntilCaughtAsync(process.Id, [1, 2, 15]);
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        process.HasExited.Should().BeFalse("event --loop waits for events");

        var pid = process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        using (var kill = Process.Start("bash", ["-c", string.Join("; ", signals.Select(s => $"kill -{s} {pid}"))]))
            await kill.WaitForExitAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>
    /// The same command run through <c>env --default-signal</c>: a test run started as a background job (or under
    /// nohup) inherits SIGINT (SIGHUP) ignored, and virt-snap, like any program, leaves an ignored signal ignored.
    /// </summary>
    internal static ProcessStartInfo WithDefaultSignals(ProcessStartInfo start)
    {
        var wrapped = new ProcessStartInfo("env")
        {
            RedirectStandardOutput = start.RedirectStandardOutput,
            RedirectStandardError = start.RedirectStandardError,
            UseShellExecute = false,
            ArgumentList = { "--default-signal=HUP,INT,TERM", start.FileName },
        };
        foreach (var arg in start.ArgumentList)
        {
            wrapped.ArgumentList.Add(arg);
        }

        return wrapped;
    }

    /// <summary>Waits until the kernel's SigCgt mask of <paramref name="pid"/> has every signal of <paramref name="signals"/>.</summary>
    internal static async Task WaitUntilCaughtAsync(int pid, int[] signals)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("SigCgt:", StringComparison.Ordinal));
            var mask = line is null ? 0UL : ulong.Parse(line.AsSpan(7).Trim(), System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture);
            if (signals.All(s => (mask & (1UL << (s - 1))) != 0))
            {
                return;
            }

            DateTime.UtcNow.Should().BeBefore(deadline, "virt-snap catches SIGHUP, SIGINT and SIGTERM once it runs");
            await Task.Delay(TimeSpan.FromMilliseconds(50));
        }
    }
}
