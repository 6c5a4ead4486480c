using System.Diagnostics;
using Snapshot.TestGuest;

namespace Snapshot.Cli.Tests;

/// <summary>
/// virt-snap run inside the second stack's chroot (the host's .NET mounted read-only at /opt/dotnet by
/// native/setup-stack2.sh), so that it loads that stack's own libvirt 11.3 client library: create, list,
/// revert and delete on a real guest, beside the chroot's own virsh.
/// </summary>
[Collection("vm")]
public sealed class ChrootClientSmokeTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Create_list_revert_and_delete_through_the_second_stacks_own_client_library()
    {
        var stack = Stack.Backports;
        await using var guest = await TestGuest.TestGuest.StartAsync(new TestGuestOptions { Uri = stack.Uri, Purpose = "cli-chroot" });
        var d = guest.DomainName;
        var cli = Path.Combine(guest.Directory, "cli");
        Directory.CreateDirectory(cli);
        foreach (var file in Directory.GetFiles(AppContext.BaseDirectory).Where(f => f.EndsWith(".dll", StringComparison.Ordinal) || f.EndsWith(".json", StringComparison.Ordinal)))
            File.Copy(file, Path.Combine(cli, Path.GetFileName(file)));
        CommandOutput Inside(params string[] args) => RunInside(stack, [Path.Combine(cli, "virt-snap.dll"), "-c", "qemu:///system", .. args]);

        // The library is the chroot's: virt-snap's version lines are the chroot virsh's.
        var version = Ok(Inside("version"));
        version.Should().Contain("Using library: libvirt 11.").And.Be(Virsh.On(stack, "-c", stack.Uri, "version").Out);

        await guest.WaitForSequenceAsync(s => s >= 3, Wait);
        var before = guest.LatestSequence();
        Ok(Inside("snapshot-create-as", d, "s1", "--memspec", $"file={Path.Combine(guest.Directory, "s1.mem")},snapshot=external",
            "--diskspec", $"vda,snapshot=external,file={Path.Combine(guest.Directory, "s1.qcow2")}")).Should().Be("Domain snapshot s1 created\n");
        var after = guest.LatestSequence();
        foreach (var view in new[] { new[] { "snapshot-list", d }, ["snapshot-list", d, "--tree"], ["snapshot-info", d, "s1"], ["snapshot-current", d, "--name"] })
            // snapshot-info adds its own line after virsh's (a branch tip exists: the domain runs on s1's overlay).
            Inside(view).Should().Be(Virsh.On(stack, ["-c", stack.Uri, .. view]).AsVirtSnap(view), $"virt-snap {string.Join(' ', view)} prints what virsh 11.3 prints");
        await guest.WaitForSequenceAsync(s => s > after + 5, Wait);

        Virsh.On(stack, "-c", stack.Uri, "suspend", d).ExitCode.Should().Be(0);
        var mark = guest.Mark();
        Ok(Inside("snapshot-revert", d, "s1")).Should().Be("Domain snapshot s1 reverted\n\n");
        (await guest.FirstSequenceAfterAsync(mark, Wait)).Should().BeInRange(before + 1, after + 1, "the guest goes on from the snapshot");

        Ok(Inside("snapshot-delete", d, "s1")).Should().Be("Domain snapshot s1 deleted\n\n");
        Ok(Inside("snapshot-list", d, "--name")).Should().Be("\n");
        File.Exists(Path.Combine(guest.Directory, "s1.mem")).Should().BeFalse();
        File.Exists(Path.Combine(guest.Directory, "s1.qcow2")).Should().BeFalse();
        guest.InconsistentLinesAfter(new LogMark(-1)).Should().BeEmpty();
    }

    private static CommandOutput RunInside(Stack stack, string[] args)
    {
        var start = new ProcessStartInfo("chroot") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { stack.Root!, "/opt/dotnet/dotnet" }.Concat(args))
            start.ArgumentList.Add(a);
        // The chroot has no ICU: .NET's invariant globalization, as on any minimal image.
        start.Environment["DOTNET_SYSTEM_GLOBALIZATION_INVARIANT"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"virt-snap {string.Join(' ', args)} inside the chroot timed out");
        }
        process.WaitForExit();
        return new CommandOutput(process.ExitCode, stdout.Result, stderr.Result);
    }

    private static string Ok(CommandOutput result)
    {
        result.Err.Should().BeEmpty();
        result.ExitCode.Should().Be(0);
        return result.Out;
    }
}
