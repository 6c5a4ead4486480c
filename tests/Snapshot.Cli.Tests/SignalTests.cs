using System.Diagnostics;

namespace Snapshot.Cli.Tests;

/// <summary>The real virt-snap process and the signals CI runners send.</summary>
public sealed class SignalTests
{
    [Fact]
    public async Task Sigterm_cancels_like_ctrl_c_instead_of_killing_the_process()
    {
        using var process = Process.Start(VirtSnap.StartInfo("-c", "test:///default", "event", "--all", "--loop"))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await Task.Delay(TimeSpan.FromSeconds(2));
        process.HasExited.Should().BeFalse("event --loop waits for events");

        using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            await kill.WaitForExitAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20));

        (await stdout).Should().Be("event loop interrupted\nevents received: 0\n\n");
        (await stderr).Should().BeEmpty();
        process.ExitCode.Should().NotBe(143, "a process killed by SIGTERM exits 143; a cancelled one ends its loop as after Ctrl-C");
    }
}
