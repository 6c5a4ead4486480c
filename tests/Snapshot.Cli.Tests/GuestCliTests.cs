using Snapshot.TestGuest;

namespace Snapshot.Cli.Tests;

/// <summary>virt-snap against a real running TCG guest on each stack, beside that stack's own virsh on the same daemon.</summary>
[Collection("vm")]
public sealed class GuestCliTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Theory]
    [MemberData(nameof(Stack.Names), MemberType = typeof(Stack))]
    public async Task Classic_snapshots_created_listed_reverted_and_deleted_through_virt_snap_as_virsh_shows_them(string stack)
    {
        var on = Stack.Named(stack);
        var uri = on.Uri;
        await using var guest = await TestGuest.TestGuest.StartAsync(new TestGuestOptions { Uri = uri, Purpose = "cli-classic" });
        var d = guest.DomainName;
        string Dir(string file) => Path.Combine(guest.Directory, file);

        // Internal, with memory: reverting brings the sequence back.
        var before = guest.LatestSequence();
        Ok(VirtSnap.Run("-c", uri, "snapshot-create-as", d, "internal", "first point")).Should().Be("Domain snapshot internal created\n");
        var after = guest.LatestSequence();
        await guest.WaitForSequenceAsync(s => s > after + 10, Wait);
        var mark = PauseAndMark(on, guest);
        Ok(VirtSnap.Run("-c", uri, "snapshot-revert", d, "internal")).Should().Be("Domain snapshot internal reverted\n\n");
        (await guest.FirstSequenceAfterAsync(mark, Wait)).Should().BeInRange(before + 1, after + 1);
        Ok(VirtSnap.Run("-c", uri, "snapshot-delete", d, "internal")).Should().Be("Domain snapshot internal deleted\n\n");

        // External with memory, then disk-only on top of it.
        Ok(VirtSnap.Run("-c", uri, "snapshot-create-as", d, "full & \"memory\"",
            "--memspec", $"file={Dir("full.mem")},snapshot=external",
            "--diskspec", $"vda,snapshot=external,file={Dir("full.qcow2")}"));
        Ok(VirtSnap.Run("-c", uri, "snapshot-create-as", "--domain", d, "--name", "disk-only", "--disk-only", "--atomic",
            "--diskspec", $"vda,file={Dir("disk-only.qcow2")}"));

        string[][] views =
        [
            ["snapshot-list", d], ["snapshot-list", d, "--parent"], ["snapshot-list", d, "--tree"], ["snapshot-list", d, "--name"],
            ["snapshot-list", d, "--external"], ["snapshot-list", d, "--disk-only"], ["snapshot-list", d, "--leaves"],
            ["snapshot-info", d, "full & \"memory\""], ["snapshot-info", d, "--current"], ["snapshot-current", d, "--name"],
            ["snapshot-parent", d, "disk-only"], ["snapshot-dumpxml", d, "disk-only"],
        ];
        foreach (var view in views)
        {
            var ours = VirtSnap.Run(["-c", uri, .. view]);
            var theirs = Virsh.On(on, ["-c", uri, .. view]);
            theirs.ExitCode.Should().Be(0, theirs.Err);
            ours.Should().Be(theirs.AsVirtSnap(view), $"virt-snap {string.Join(' ', view)} prints what virsh prints (and its branch tip line)");
        }
        Virsh.On(on, "-c", uri, "snapshot-info", d, "disk-only").Out.Should().Contain("Location:       external");

        Ok(VirtSnap.Run("-c", uri, "snapshot-delete", d, "disk-only")).Should().Be("Domain snapshot disk-only deleted\n\n");
        Virsh.On(on, "-c", uri, "snapshot-list", d, "--name").Out.Should().Be("full & \"memory\"\n\n");
        var mark2 = guest.Mark();
        await guest.WaitForSequenceAfterAsync(mark2, _ => true, Wait);
        guest.InconsistentLinesAfter(mark).Should().BeEmpty();
    }

    [Theory]
    [MemberData(nameof(Stack.Names), MemberType = typeof(Stack))]
    public async Task Bad_input_exits_with_its_code_and_one_line_leaving_domain_and_snapshots_unchanged(string stack)
    {
        var on = Stack.Named(stack);
        var uri = on.Uri;
        await using var guest = await TestGuest.TestGuest.StartAsync(new TestGuestOptions { Uri = uri, Purpose = "cli-bad" });
        var d = guest.DomainName;
        Ok(VirtSnap.Run("-c", uri, "snapshot-create-as", d, "keep"));
        var domainXml = Virsh.On(on, "-c", uri, "dumpxml", d).Out;
        var listing = Virsh.On(on, "-c", uri, "snapshot-list", d).Out;

        (string[] Args, int Code)[] cases =
        [
            (["snapshot-info", d, "missing"], 3),
            (["snapshot-revert", d, "missing"], 3),
            (["snapshot-list", "no-such-domain"], 3),
            (["snapshot-create-as", d, "q", "--quiesce"], 2),
            (["snapshot-create-as", d, "m", "--disk-only", "--memspec", Path.Combine(guest.Directory, "m.mem")], 2),
            (["snapshot-create-as", d, "bad", "--memspec", "relative"], 2),
            (["snapshot-create-as", d, "i", "--instant"], 2),
            (["snapshot-list", d, "--bogus"], 2),
        ];
        foreach (var (args, code) in cases)
        {
            var result = VirtSnap.Run(["-c", uri, .. args]);
            result.ExitCode.Should().Be(code, string.Join(' ', args));
            result.Err.Should().StartWith("error: ").And.EndWith("\n");
            result.Err.TrimEnd('\n').Should().NotContain("\n", "one line per error: {0}", string.Join(' ', args));
        }

        Virsh.On(on, "-c", uri, "dumpxml", d).Out.Should().Be(domainXml);
        Virsh.On(on, "-c", uri, "snapshot-list", d).Out.Should().Be(listing);
        Virsh.On(on, "-c", uri, "domstate", d).Out.Should().Be("running\n\n");
    }

    [Theory]
    [MemberData(nameof(Stack.Names), MemberType = typeof(Stack))]
    public async Task Instant_snapshot_then_revert_brings_the_guest_back_to_the_moment_of_the_request(string stack)
    {
        var on = Stack.Named(stack);
        var uri = on.Uri;
        // Enough busy RAM that the memory write spans many ticks: a snapshot point at the end of the
        // write would come back several sequence numbers later than the request.
        await using var guest = await TestGuest.TestGuest.StartAsync(new TestGuestOptions
        {
            Uri = uri,
            Purpose = "cli-instant", MemoryMiB = 768, FillMiB = 512, RewriteMiBPerSecond = 64, TickMilliseconds = 100,
        });
        var d = guest.DomainName;
        var memory = Path.Combine(guest.Directory, "instant.mem");
        // Past the start-up, whose first ticks come irregularly (and may burst to catch up).
        await guest.WaitForSequenceAsync(s => s >= 3, Wait);

        var atRequest = guest.LatestSequence();
        var created = Ok(VirtSnap.Run("-c", uri, "snapshot-create-as", d, "instant", "--instant",
            "--memspec", memory, "--diskspec", $"vda,file={Path.Combine(guest.Directory, "instant.qcow2")}"));
        var afterWrite = guest.LatestSequence();

        created.Should().MatchRegex(@"^Snapshot point taken at .+ \(guest paused \d+ ms\)\nDomain snapshot instant created\n$");
        Virsh.On(on, "-c", uri, "snapshot-current", d, "--name").Out.Should().Be("instant\n");
        Virsh.On(on, "-c", uri, "snapshot-info", d, "instant").Out.Should().Contain("Location:       external");
        await guest.WaitForSequenceAsync(s => s > afterWrite + 10, Wait);

        // The disk the guest left at the snapshot point holds the number of that point.
        var frozen = guest.ReadDiskSequence(guest.DiskPath);
        // The point follows the request by virt-snap's steps before the pause (connect, checks, overlays): a
        // few ticks on a quiet machine, more on a loaded one; a point at the end of the write would be afterWrite.
        frozen.Should().BeInRange(atRequest, atRequest + Math.Max(2, (afterWrite - atRequest) / 2),
            "the snapshot point is the request, in the first half of the write (it ended at {0})", afterWrite);
        frozen.Should().BeLessThan(afterWrite - 3, "the snapshot point is the request, not the end of the write");

        var mark = PauseAndMark(on, guest);
        Ok(VirtSnap.Run("-c", uri, "snapshot-revert", d, "instant")).Should().Be("Domain snapshot instant reverted\n\n");

        // Memory and disk of the same moment: the guest goes on from the frozen number (it may not have printed it yet).
        var resumed = await guest.FirstSequenceAfterAsync(mark, Wait);
        resumed.Should().BeInRange(frozen, frozen + 1);
        await guest.WaitForSequenceAfterAsync(mark, s => s >= resumed + 5, Wait);
        guest.InconsistentLinesAfter(mark).Should().BeEmpty();
        Virsh.On(on, "-c", uri, "snapshot-current", d, "--name").Out.Should().Be("instant\n");
        Virsh.On(on, "-c", uri, "domstate", d).Out.Should().Be("running\n\n");
    }

    [Theory]
    [MemberData(nameof(Stack.Names), MemberType = typeof(Stack))]
    public async Task A_snapshot_taken_by_virsh_is_reverted_by_virt_snap_which_libvirt_9_refuses(string stack)
    {
        var on = Stack.Named(stack);
        var uri = on.Uri;
        await using var guest = await TestGuest.TestGuest.StartAsync(new TestGuestOptions { Uri = uri, Purpose = "cli-revert" });
        var d = guest.DomainName;
        var before = guest.LatestSequence();
        var taken = Virsh.On(on, "-c", uri, "snapshot-create-as", d, "by-virsh",
            "--memspec", $"file={Path.Combine(guest.Directory, "by-virsh.mem")},snapshot=external",
            "--diskspec", $"vda,snapshot=external,file={Path.Combine(guest.Directory, "by-virsh.qcow2")}");
        taken.ExitCode.Should().Be(0, taken.Err);
        var after = guest.LatestSequence();
        if (on == Stack.Host)
            Virsh.On(on, "-c", uri, "snapshot-revert", d, "by-virsh").Err.Should().Contain("revert to external snapshot not supported yet");
        await guest.WaitForSequenceAsync(s => s > after + 10, Wait);

        var mark = PauseAndMark(on, guest);
        Ok(VirtSnap.Run("-c", uri, "snapshot-revert", d, "--current")).Should().Be("Domain snapshot by-virsh reverted\n\n");

        (await guest.FirstSequenceAfterAsync(mark, Wait)).Should().BeInRange(before + 1, after + 1);
        await guest.WaitForSequenceAfterAsync(mark, _ => true, Wait);
        guest.InconsistentLinesAfter(mark).Should().BeEmpty();
        Virsh.On(on, "-c", uri, "snapshot-current", d, "--name").Out.Should().Be("by-virsh\n");

        // --keep-current: the state left becomes a snapshot (text: its line first; JSON: both snapshots).
        Ok(VirtSnap.Run("-c", uri, "snapshot-revert", d, "by-virsh", "--keep-current=cli-kept"))
            .Should().Be("Domain snapshot cli-kept created from the current state\nDomain snapshot by-virsh reverted\n\n");
        using var json = System.Text.Json.JsonDocument.Parse(Ok(VirtSnap.Run("-c", uri, "--json", "snapshot-revert", d, "cli-kept", "--keep-current")));
        var data = json.RootElement.GetProperty("data");
        data.GetProperty("reverted").GetProperty("name").GetString().Should().Be("cli-kept");
        data.GetProperty("reverted").GetProperty("current").GetBoolean().Should().BeTrue();
        data.GetProperty("kept").GetProperty("name").GetString().Should().MatchRegex("^pre-revert-[0-9]{8}T[0-9]{6}Z$");
        data.GetProperty("kept").GetProperty("memoryFile").GetString().Should().NotBeNull();
        Virsh.On(on, "-c", uri, "snapshot-list", d, "--name").Out.Should().Contain("cli-kept\n").And.Contain("pre-revert-");
    }

    // The old guest, paused before the mark, prints nothing after it: every sequence number after the
    // mark comes from the reverted guest.
    private static LogMark PauseAndMark(Stack on, TestGuest.TestGuest guest)
    {
        Virsh.On(on, "-c", on.Uri, "suspend", guest.DomainName).ExitCode.Should().Be(0);
        return guest.Mark();
    }

    private static string Ok(CommandOutput result)
    {
        result.Err.Should().BeEmpty();
        result.ExitCode.Should().Be(0);
        return result.Out;
    }
}
