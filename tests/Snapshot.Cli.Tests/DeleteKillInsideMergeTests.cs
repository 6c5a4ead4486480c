using System.Diagnostics;
using Snapshot.TestGuest;
using K = Snapshot.Cli.Tests.KillRecoveryTests;

namespace Snapshot.Cli.Tests;

/// <summary>
/// A delete SIGKILLed while its merge runs outside the process, on a real guest per stack, then
/// <c>snapshot-recover</c>: first the shut-off domain's <c>qemu-img commit</c> (the kill leaves it running, an orphan
/// holding the image's lock: recovery stops it and redoes the commit from its start), then the running domain's block
/// commit (the kill leaves the job running in QEMU: recovery aborts it and redoes the merge), then the same commit
/// killed once it ended, before the remaining snapshot's names moved (recovery completes the merge). The merges are slowed
/// (VIRTSNAP_TEST_MERGE_RATE) so that the kill finds them running. After recovery: no block job and no qemu-img is left,
/// every file a remaining snapshot names exists, the deleted snapshot's files are gone, and the remaining snapshot
/// reverts to exactly its sequence number.
/// </summary>
[Collection("vm")]
public sealed class DeleteKillInsideMergeTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    [Theory]
    [MemberData(nameof(Stack.Names), MemberType = typeof(Stack))]
    public async Task A_delete_killed_inside_qemu_img_or_a_block_job_is_finished_by_recovery(string stack)
    {
        var on = Stack.Named(stack);
        await using var guest = await TestGuest.TestGuest.StartAsync(new TestGuestOptions { Uri = on.Uri, Purpose = "kill-merge" });
        var d = guest.DomainName;

        // Shut off: c's layer is committed into the base by qemu-img. 4 MiB more in it (beyond the sequence block the
        // guest reads) keep the slowed commit running for a minute.
        var c = await SnapshotPairAsync(on, guest, "c", "e");
        K.Ok(Virsh.On(on, "-c", on.Uri, "destroy", d));
        K.Ok(K.Run("qemu-io", "-f", "qcow2", "-c", "write -q -P 0x5a 1M 4M", Path.Combine(guest.Directory, "c.qcow2")));
        var killed = RunKilled("delete:qemu-img-started", 65536, "-c", on.Uri, "snapshot-delete", d, "c");
        killed.ExitCode.Should().Be(137, $"SIGKILLed inside qemu-img: {killed.Err}");
        Merging(guest.Directory).Should().NotBeEmpty("the kill left qemu-img committing c's layer");
        var recovered = K.Recover(on, d);
        recovered.GetProperty("outcome").GetString().Should().Be("rolled-forward", recovered.ToString());
        recovered.ToString().Should().Contain("qemu-img a merge left running", "recovery stopped the orphan before redoing its commit");
        Merging(guest.Directory).Should().BeEmpty("no qemu-img is left on the images");
        CheckFinished(on, guest, c, "e", "inside qemu-img commit");
        await RevertAndCheckAsync(on, guest, "e", c.Sequence, "inside qemu-img commit");

        // Running: a's layer is committed into the layer below it by a block job.
        var a = await SnapshotPairAsync(on, guest, "a", "b");
        killed = RunKilled("delete:block-job-started", 4096, "-c", on.Uri, "snapshot-delete", d, "a");
        killed.ExitCode.Should().Be(137, $"SIGKILLed inside the block job: {killed.Err}");
        BlockJob(on, d).Should().Contain("Block Commit", "the kill left the commit running in QEMU");
        recovered = K.Recover(on, d);
        recovered.GetProperty("outcome").GetString().Should().Be("rolled-forward", recovered.ToString());
        recovered.ToString().Should().Contain("block job a merge left on disk vda was aborted");
        BlockJob(on, d).Should().Contain("No current block job", "recovery left no block job");
        await K.CheckWholeAsync(on, guest, settings: null, a.FilesBefore, "inside the block job");
        CheckFinished(on, guest, a, "b", "inside the block job");
        await RevertAndCheckAsync(on, guest, "b", a.Sequence, "inside the block job");

        // Running, full speed: killed once the block job ended, g still naming f's merged-away layer.
        var f = await SnapshotPairAsync(on, guest, "f", "g");
        killed = RunKilled("delete:data-moved", 0, "-c", on.Uri, "snapshot-delete", d, "f");
        killed.ExitCode.Should().Be(137, $"SIGKILLed after the block job: {killed.Err}");
        recovered = K.Recover(on, d);
        recovered.GetProperty("outcome").GetString().Should().Be("rolled-forward", recovered.ToString());
        recovered.ToString().Should().Contain("whose data had moved", "recovery finished the merge the kill cut short");
        await K.CheckWholeAsync(on, guest, settings: null, f.FilesBefore, "after the block job");
        CheckFinished(on, guest, f, "g", "after the block job");
        await RevertAndCheckAsync(on, guest, "g", f.Sequence, "after the block job");
    }

    // What the delete of `gone` may remove (its own files and revert layers), and the number the frozen image of `kept` holds.
    private sealed record Pair(string Gone, long Sequence, HashSet<string> FilesBefore);

    private static async Task<Pair> SnapshotPairAsync(Stack on, TestGuest.TestGuest guest, string gone, string kept)
    {
        await guest.WaitForSequenceAfterAsync(guest.Mark(), _ => true, Wait);
        Snapshot(on, guest, gone);
        await guest.WaitForSequenceAfterAsync(guest.Mark(), _ => true, Wait);
        Snapshot(on, guest, kept);
        var files = K.Files(guest.Directory);
        files.ExceptWith([Path.Combine(guest.Directory, gone + ".mem"), Path.Combine(guest.Directory, gone + ".qcow2")]);
        files.RemoveWhere(f => f.Contains("-revert-", StringComparison.Ordinal));
        return new Pair(gone, guest.ReadDiskSequence(Path.Combine(guest.Directory, gone + ".qcow2")), files);
    }

    private static void CheckFinished(Stack on, TestGuest.TestGuest guest, Pair pair, string kept, string where)
    {
        var d = guest.DomainName;
        VirtSnap.Run("-c", on.Uri, "snapshot-list", d, "--name").Out.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Should().Contain(kept, $"killed {where}").And.NotContain(pair.Gone, $"killed {where}");
        K.Files(guest.Directory).Should().Contain(pair.FilesBefore, $"killed {where}, nothing the delete did not free is gone");
        foreach (var file in System.Xml.Linq.XElement.Parse(VirtSnap.Run("-c", on.Uri, "snapshot-dumpxml", d, kept).Out).Descendants()
            .Select(e => e.Attribute("file")?.Value).OfType<string>())
            File.Exists(file).Should().BeTrue($"killed {where}, {kept}'s file {file} exists");
        File.Exists(Path.Combine(guest.Directory, pair.Gone + ".mem")).Should().BeFalse($"killed {where}, recovery removed the memory file of {pair.Gone}");
        File.Exists(Path.Combine(guest.Directory, pair.Gone + ".qcow2")).Should().BeFalse($"killed {where}, recovery merged the layer of {pair.Gone}");
    }

    private static async Task RevertAndCheckAsync(Stack on, TestGuest.TestGuest guest, string kept, long sequence, string where)
    {
        var d = guest.DomainName;
        if (Virsh.On(on, "-c", on.Uri, "domstate", d).Out.StartsWith("running", StringComparison.Ordinal))
            Virsh.On(on, "-c", on.Uri, "suspend", d).ExitCode.Should().Be(0);
        await Task.Delay(TimeSpan.FromMilliseconds(300));
        var mark = guest.Mark();
        K.Ok(VirtSnap.Run("-c", on.Uri, "snapshot-revert", d, kept));
        (await guest.SequenceAfterRevertAsync(mark, sequence, Wait)).Should().Be(sequence + 1, $"killed {where}, {kept} reverts to its data");
        guest.InconsistentLinesAfter(mark).Should().BeEmpty();
    }

    private static void Snapshot(Stack on, TestGuest.TestGuest guest, string name) =>
        K.Ok(VirtSnap.Run("-c", on.Uri, "snapshot-create-as", guest.DomainName, name,
            "--memspec", Path.Combine(guest.Directory, $"{name}.mem"), "--diskspec", $"vda,file={Path.Combine(guest.Directory, $"{name}.qcow2")}"));

    // virsh prints a job's progress on stderr, the rest on stdout.
    private static string BlockJob(Stack on, string domain)
    {
        var result = Virsh.On(on, "-c", on.Uri, "blockjob", domain, "vda");
        return result.Out + result.Err;
    }

    private static CommandOutput RunKilled(string killAt, ulong bytesPerSecond, params string[] args)
    {
        var start = VirtSnap.StartInfo(args);
        start.Environment["VIRTSNAP_TEST_KILL_AFTER"] = killAt;
        start.Environment["VIRTSNAP_TEST_MERGE_RATE"] = bytesPerSecond.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return VirtSnap.RunProcess(start);
    }

    // The qemu-img commit or rebase processes working on an image of the guest's directory.
    private static List<int> Merging(string directory) =>
        Process.GetProcessesByName("qemu-img").Select(p =>
        {
            using (p)
            {
                try
                {
                    var args = File.ReadAllText($"/proc/{p.Id}/cmdline").Split('\0');
                    return args.Any(a => a is "commit" or "rebase") && args.Any(a => a.StartsWith(directory, StringComparison.Ordinal)) ? p.Id : 0;
                }
                catch (IOException)
                {
                    return 0;
                }
            }
        }).Where(id => id != 0).ToList();
}
