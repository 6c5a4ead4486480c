using System.Diagnostics;
using System.Globalization;
using Snapshot.TestGuest;

namespace Snapshot.Cli.Tests;

/// <summary>Signals that arrive while a real instant snapshot cleans up after a cancel: the cleanup ends, the guest runs.</summary>
[Collection("vm")]
public sealed class GuestSignalTests
{
    [Fact]
    public async Task SIGHUP_then_SIGINT_during_an_instant_snapshot_leave_the_guest_resumed_and_nothing_half_done()
    {
        var on = Stack.Host;
        // Enough RAM that the memory write (and so the drain after the cancel) lasts a while.
        await using var guest = await TestGuest.TestGuest.StartAsync(new TestGuestOptions { Uri = on.Uri, Purpose = "signal-cleanup", MemoryMiB = 1024, FillMiB = 768 });
        await guest.WaitForSequenceAsync(s => s >= 3, TimeSpan.FromSeconds(60));
        var memory = Path.Combine(guest.Directory, "sig.mem");
        var journal = $"/var/lib/virt-snap/journal/{guest.DomainUuid:D}.json";

        using var process = Process.Start(SignalTests.WithDefaultSignals(VirtSnap.StartInfo("-c", on.Uri, "snapshot-create-as", guest.DomainName, "sig", "--instant",
            "--memspec", memory, "--diskspec", $"vda,file={Path.Combine(guest.Directory, "sig.qcow2")}")))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await SignalTests.WaitUntilCaughtAsync(process.Id, [1, 2, 15]);

        // The journal says when the memory write runs: signal then, HUP first (a CI runner's session closing), then INT.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120);
        while (!(File.Exists(journal) && File.ReadAllText(journal).Contains("\"write-memory\"", StringComparison.Ordinal)))
        {
            process.HasExited.Should().BeFalse("the snapshot must still be writing its memory when signalled");
            DateTime.UtcNow.Should().BeBefore(deadline);
            await Task.Delay(5);
        }
        var pid = process.Id.ToString(CultureInfo.InvariantCulture);
        using (var kill = Process.Start("bash", ["-c", $"kill -HUP {pid}; sleep 0.1; kill -INT {pid}"]))
            await kill.WaitForExitAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(5));
        var err = await stderr;

        process.ExitCode.Should().Be(130, err);
        err.Should().Contain("was cancelled while writing the guest's memory").And.Contain("the domain is running");
        err.Should().Contain(SignalCancellation.StillCleaningUp, "SIGINT came during the cleanup that SIGHUP started, and did not end it");
        Virsh.On(on, "-c", on.Uri, "domstate", guest.DomainName).Out.Should().Be("running\n\n");
        var mark = guest.Mark();
        await guest.WaitForSequenceAfterAsync(mark, _ => true, TimeSpan.FromSeconds(60));
        File.Exists(memory).Should().BeFalse("the partial memory file is deleted once QEMU's write ended");
        File.Exists(journal).Should().BeFalse("the cleanup ended in the process: no journal is left");
        VirtSnap.Run("-c", on.Uri, "snapshot-list", guest.DomainName, "--name").Out.Should().NotContain("sig");
        (await stdout).Should().NotContain("created");
    }
}
