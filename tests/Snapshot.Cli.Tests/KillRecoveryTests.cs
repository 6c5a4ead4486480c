using System.Text.Json;
using System.Xml.Linq;
using Snapshot.TestGuest;

namespace Snapshot.Cli.Tests;

/// <summary>
/// virt-snap SIGKILLed right after a step (the test-only VIRTSNAP_TEST_KILL_AFTER), then <c>snapshot-recover</c>,
/// on a real running TCG guest per stack, the cases in sequence on one guest: after each, the guest runs, its disk
/// chain is valid, QEMU's migration settings are as before, no complete-looking memory file lacks its snapshot,
/// no snapshot lacks its files, nothing the run did not create is gone; at the end the guest snapshots and reverts.
/// </summary>
[Collection("vm")]
public sealed class KillRecoveryTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    /// <summary>Where an instant create is killed, and what recovery must make of it; the disk switch where the guest's QEMU does it.</summary>
    private static (string Step, string Outcome)[] InstantCases(TestGuest.TestGuest guest) =>
    [
        ("create-memory-file", "rolled-back"),
        ("create-overlays", "rolled-back"),
        ("pause", "rolled-back"),
        .. InstantSteps.SwitchesDisksAfterMigrate(guest)
            ? new[] { ("start-background-snapshot", "rolled-back"), ("switch-disks-after-migrate", "rolled-back") }
            : new[] { ("switch-disks", "rolled-back"), ("start-background-snapshot", "rolled-back") },
        ("wait-resume", "rolled-back"), // QEMU writes the memory meanwhile: killed mid-write
        ("raise-bandwidth", "rolled-back"), // the journal's limit restored once the stream is drained
        ("finish-relay", "rolled-back"),
        ("complete-memory-file", "rolled-forward"),
        ("restore-migration-settings", "rolled-forward"), // before registration
        ("collapse-huge-pages", "rolled-forward"), // the guest's RAM back on huge pages, before registration
    ];

    private static readonly (string Step, string Outcome)[] RevertCases =
    [
        ("stop", "rolled-back"),
        ("create-overlays", "rolled-back"),
        ("define", "rolled-back"),
        ("start", "rolled-forward"),
        ("publish-events", "rolled-forward"), // before make-current
    ];

    [Theory]
    [MemberData(nameof(Stack.Names), MemberType = typeof(Stack))]
    public async Task An_instant_create_killed_after_any_step_is_recovered_to_a_whole_state(string stack)
    {
        var on = Stack.Named(stack);
        await using var guest = await TestGuest.TestGuest.StartAsync(new TestGuestOptions { Uri = on.Uri, Purpose = "kill-instant" });
        await guest.WaitForSequenceAsync(s => s >= 3, Wait);
        var settings = MigrationSettings(on, guest.DomainName);

        var i = 0;
        foreach (var (step, outcome) in InstantCases(guest))
        {
            i++;
            var name = $"k{i}";
            var filesBefore = Files(guest.Directory);
            var killed = RunKilled($"instant-create:{step}", "-c", on.Uri, "snapshot-create-as", guest.DomainName, name, "--instant",
                "--memspec", Path.Combine(guest.Directory, $"{name}.mem"), "--diskspec", $"vda,file={Path.Combine(guest.Directory, $"{name}.qcow2")}");
            killed.ExitCode.Should().Be(137, $"SIGKILLed after {step}: {killed.Err}");

            var recovered = Recover(on, guest.DomainName);
            recovered.GetProperty("outcome").GetString().Should().Be(outcome, $"killed after {step}: {recovered}");
            recovered.GetProperty("operation").GetString().Should().Be("instant-create");
            await CheckWholeAsync(on, guest, settings, filesBefore, step);
            if (outcome == "rolled-forward")
                VirtSnap.Run("-c", on.Uri, "snapshot-list", guest.DomainName, "--name").Out.Should().Contain(name + "\n", $"killed after {step}, the snapshot was registered");
            else
                VirtSnap.Run("-c", on.Uri, "snapshot-list", guest.DomainName, "--name").Out.Should().NotContain(name + "\n");
            if (step == "collapse-huge-pages")
                await RevertsToItsCounterAsync(on, guest, name, step);
        }

        // And then it works as ever: an instant snapshot and a revert to it.
        Ok(VirtSnap.Run("-c", on.Uri, "snapshot-create-as", guest.DomainName, "after", "--instant",
            "--memspec", Path.Combine(guest.Directory, "after.mem"), "--diskspec", $"vda,file={Path.Combine(guest.Directory, "after.qcow2")}"));
        Ok(VirtSnap.Run("-c", on.Uri, "snapshot-revert", guest.DomainName, "after"));
        Virsh.On(on, "-c", on.Uri, "domstate", guest.DomainName).Out.Should().Be("running\n\n");
        MigrationSettings(on, guest.DomainName).Should().Be(settings);
    }

    // The snapshot a recovery registered holds the guest as it was at its instant: the revert brings back its counter.
    private static async Task RevertsToItsCounterAsync(Stack on, TestGuest.TestGuest guest, string name, string step)
    {
        var frozen = guest.ReadDiskSequence(KeepCurrentKillTests.FrozenImage(on, guest.DomainName, name));
        Virsh.On(on, "-c", on.Uri, "suspend", guest.DomainName).ExitCode.Should().Be(0);
        await Task.Delay(500); // so that only the reverted guest prints after the mark
        var mark = guest.Mark();
        Ok(VirtSnap.Run("-c", on.Uri, "snapshot-revert", guest.DomainName, name));
        (await guest.SequenceAfterRevertAsync(mark, frozen, Wait)).Should().Be(frozen + 1, $"killed after {step}, '{name}' brings back the guest at its instant");
        guest.InconsistentLinesAfter(new LogMark(-1)).Should().BeEmpty();
    }

    [Theory]
    [MemberData(nameof(Stack.Names), MemberType = typeof(Stack))]
    public async Task A_revert_killed_after_any_step_is_recovered_to_a_whole_state(string stack)
    {
        var on = Stack.Named(stack);
        await using var guest = await TestGuest.TestGuest.StartAsync(new TestGuestOptions { Uri = on.Uri, Purpose = "kill-revert" });
        await guest.WaitForSequenceAsync(s => s >= 3, Wait);
        Ok(VirtSnap.Run("-c", on.Uri, "snapshot-create-as", guest.DomainName, "target", "--instant",
            "--memspec", Path.Combine(guest.Directory, "target.mem"), "--diskspec", $"vda,file={Path.Combine(guest.Directory, "target.qcow2")}"));
        var settings = MigrationSettings(on, guest.DomainName);

        foreach (var (step, outcome) in RevertCases)
        {
            var filesBefore = Files(guest.Directory);
            var killed = RunKilled($"external-revert:{step}", "-c", on.Uri, "snapshot-revert", guest.DomainName, "target");
            killed.ExitCode.Should().Be(137, $"SIGKILLed after {step}: {killed.Err}");

            // A read says that an operation was interrupted; the next changing command would recover it first.
            VirtSnap.Run("-c", on.Uri, "snapshot-list", guest.DomainName).Err.Should().Contain("has an interrupted external-revert");
            var recovered = Recover(on, guest.DomainName);
            recovered.GetProperty("outcome").GetString().Should().Be(outcome, $"killed after {step}: {recovered}");
            await CheckWholeAsync(on, guest, settings: null, filesBefore, step);
            if (outcome == "rolled-forward")
                VirtSnap.Run("-c", on.Uri, "snapshot-current", guest.DomainName, "--name").Out.Should().Be("target\n");
        }

        Ok(VirtSnap.Run("-c", on.Uri, "snapshot-revert", guest.DomainName, "target"));
        Virsh.On(on, "-c", on.Uri, "domstate", guest.DomainName).Out.Should().Be("running\n\n");
    }

    [Fact]
    public async Task A_changing_command_recovers_first_and_says_so_in_one_line()
    {
        var on = Stack.Host;
        await using var guest = await TestGuest.TestGuest.StartAsync(new TestGuestOptions { Uri = on.Uri, Purpose = "kill-first" });
        RunKilled("instant-create:create-overlays", "-c", on.Uri, "snapshot-create-as", guest.DomainName, "x", "--instant",
            "--memspec", Path.Combine(guest.Directory, "x.mem"), "--diskspec", $"vda,file={Path.Combine(guest.Directory, "x.qcow2")}").ExitCode.Should().Be(137);
        File.Exists(Path.Combine(guest.Directory, "x.mem")).Should().BeTrue("the run was killed before it could clean up");

        var created = VirtSnap.Run("-c", on.Uri, "snapshot-create-as", guest.DomainName, "y");
        created.ExitCode.Should().Be(0, created.Err);
        created.Err.Should().MatchRegex(@"^virt-snap: recovered first: Interrupted instant-create of domain '[^']+' \(pid \d+, since .+\) rolled back[^\n]*\n$");
        File.Exists(Path.Combine(guest.Directory, "x.mem")).Should().BeFalse("the partial memory file was the killed run's");
        Recover(on, guest.DomainName).GetProperty("outcome").GetString().Should().Be("none");
    }

    internal static CommandOutput RunKilled(string killAfter, params string[] args)
    {
        var start = VirtSnap.StartInfo(args);
        start.Environment["VIRTSNAP_TEST_KILL_AFTER"] = killAfter;
        return VirtSnap.RunProcess(start);
    }

    internal static JsonElement Recover(Stack on, string domain)
    {
        var result = VirtSnap.RunProcess(VirtSnap.StartInfo("-c", on.Uri, "--json", "snapshot-recover", domain));
        result.ExitCode.Should().Be(0, result.Err);
        using var doc = JsonDocument.Parse(result.Out);
        return doc.RootElement.GetProperty("data").Clone();
    }

    internal static async Task CheckWholeAsync(Stack on, TestGuest.TestGuest guest, string? settings, HashSet<string> filesBefore, string step)
    {
        var d = guest.DomainName;
        Virsh.On(on, "-c", on.Uri, "domstate", d).Out.Should().Be("running\n\n", $"killed after {step}, the guest runs again");
        var mark = guest.Mark();
        await guest.WaitForSequenceAfterAsync(mark, _ => true, Wait);

        var xml = XElement.Parse(Virsh.On(on, "-c", on.Uri, "dumpxml", d).Out);
        var disk = xml.Descendants("disk").First(e => e.Element("target")?.Attribute("dev")?.Value == "vda").Element("source")!.Attribute("file")!.Value;
        var chain = Run("qemu-img", "info", "-U", "--backing-chain", disk);
        chain.ExitCode.Should().Be(0, $"killed after {step}, the disk chain from {disk} is valid: {chain.Err}");
        if (settings is not null)
            MigrationSettings(on, d).Should().Be(settings, $"killed after {step}, QEMU's migration settings are back");

        var files = Files(guest.Directory);
        files.Should().Contain(filesBefore, $"killed after {step}, nothing the run did not create is gone");
        var named = new HashSet<string>(StringComparer.Ordinal);
        foreach (var snapshot in VirtSnap.Run("-c", on.Uri, "snapshot-list", d, "--name").Out.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var snapshotXml = XElement.Parse(VirtSnap.Run("-c", on.Uri, "snapshot-dumpxml", d, snapshot).Out);
            foreach (var file in snapshotXml.Descendants().Select(e => e.Attribute("file")?.Value).OfType<string>())
            {
                File.Exists(file).Should().BeTrue($"killed after {step}, snapshot {snapshot}'s file {file} exists");
                named.Add(file);
            }
        }
        foreach (var file in files.Where(f => f.EndsWith(".mem", StringComparison.Ordinal)))
            if (Magic(file) == "LibvirtQemudSave")
                named.Should().Contain(file, $"killed after {step}, a complete-looking memory file has its snapshot");
        Directory.GetFiles(guest.Directory, "*.mem").Where(f => Magic(f) == "LibvirtQemudPart").Should().BeEmpty($"killed after {step}, no partial memory file is left");
    }

    /// <summary>QEMU's migration capabilities and max-bandwidth, as QMP reports them (libvirt's reply ids dropped).</summary>
    internal static string MigrationSettings(Stack on, string domain)
    {
        string Return(string command)
        {
            var reply = Virsh.On(on, "-c", on.Uri, "qemu-monitor-command", domain, $"{{\"execute\":\"{command}\"}}");
            reply.ExitCode.Should().Be(0, reply.Err);
            using var doc = JsonDocument.Parse(reply.Out);
            return doc.RootElement.GetProperty("return").GetRawText();
        }
        using var parameters = JsonDocument.Parse(Return("query-migrate-parameters"));
        return Return("query-migrate-capabilities") + " max-bandwidth=" + parameters.RootElement.GetProperty("max-bandwidth").GetRawText();
    }

    internal static HashSet<string> Files(string directory) => Directory.GetFiles(directory).ToHashSet(StringComparer.Ordinal);

    private static string Magic(string path)
    {
        var buffer = new byte[16];
        using var stream = File.OpenRead(path);
        return stream.ReadAtLeast(buffer, 16, throwOnEndOfStream: false) == 16 ? System.Text.Encoding.ASCII.GetString(buffer) : "";
    }

    internal static CommandOutput Run(string file, params string[] args)
    {
        var start = new System.Diagnostics.ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        return VirtSnap.RunProcess(start);
    }

    internal static string Ok(CommandOutput result)
    {
        result.ExitCode.Should().Be(0, result.Err);
        return result.Out;
    }
}
