using Snapshot.TestGuest;
using K = Snapshot.Cli.Tests.KillRecoveryTests;

namespace Snapshot.Cli.Tests;

/// <summary>
/// A delete that merges layers, SIGKILLed right after each of its steps (VIRTSNAP_TEST_KILL_AFTER), then
/// <c>snapshot-recover</c>, on a real running guest per stack: the middle snapshot of a chain of two instant
/// snapshots is deleted; recovery rolls forward (the memory file, overlay and freed layer go), the chain is whole,
/// nothing else is gone, and the remaining snapshot reverts to exactly its sequence number.
/// </summary>
[Collection("vm")]
public sealed class DeleteKillRecoveryTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    private static readonly string[] Steps = ["delete-snapshot", "remove-memory-file", "remove-overlays", "merge-layers"];

    [Theory]
    [MemberData(nameof(Stack.Names), MemberType = typeof(Stack))]
    public async Task A_delete_killed_after_any_step_is_finished_by_recovery(string stack)
    {
        var on = Stack.Named(stack);
        await using var guest = await TestGuest.TestGuest.StartAsync(new TestGuestOptions { Uri = on.Uri, Purpose = "kill-delete" });
        var d = guest.DomainName;
        for (var i = 1; i <= Steps.Length; i++)
        {
            var step = Steps[i - 1];
            var (gone, kept) = ($"a{i}", $"b{i}");
            await guest.WaitForSequenceAfterAsync(guest.Mark(), _ => true, Wait);
            Instant(on, guest, gone);
            await guest.WaitForSequenceAfterAsync(guest.Mark(), _ => true, Wait);
            Instant(on, guest, kept);
            var sequence = guest.ReadDiskSequence(Path.Combine(guest.Directory, gone + ".qcow2")); // the frozen image of b
            var filesBefore = K.Files(guest.Directory);
            // What the delete may remove: a's own files, and the revert layers a's freed layers are merged with.
            filesBefore.ExceptWith([Path.Combine(guest.Directory, gone + ".mem"), Path.Combine(guest.Directory, gone + ".qcow2")]);
            filesBefore.RemoveWhere(f => f.Contains("-revert-", StringComparison.Ordinal));

            var killed = K.RunKilled($"delete:{step}", "-c", on.Uri, "snapshot-delete", d, gone);
            killed.ExitCode.Should().Be(137, $"SIGKILLed after {step}: {killed.Err}");
            var recovered = K.Recover(on, d);
            recovered.GetProperty("outcome").GetString().Should().Be("rolled-forward", $"killed after {step}: {recovered}");
            recovered.GetProperty("operation").GetString().Should().Be("delete");

            await K.CheckWholeAsync(on, guest, settings: null, filesBefore, step);
            File.Exists(Path.Combine(guest.Directory, gone + ".mem")).Should().BeFalse($"killed after {step}, recovery removed the memory file of {gone}");
            File.Exists(Path.Combine(guest.Directory, gone + ".qcow2")).Should().BeFalse($"killed after {step}, recovery merged the layer of {gone}");
            VirtSnap.Run("-c", on.Uri, "snapshot-list", d, "--name").Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().NotContain(gone);

            Virsh.On(on, "-c", on.Uri, "suspend", d).ExitCode.Should().Be(0);
            await Task.Delay(TimeSpan.FromMilliseconds(300));
            var mark = guest.Mark();
            K.Ok(VirtSnap.Run("-c", on.Uri, "snapshot-revert", d, kept));
            (await guest.SequenceAfterRevertAsync(mark, sequence, Wait)).Should().Be(sequence + 1, $"killed after {step}, {kept} reverts to its data");
            guest.InconsistentLinesAfter(mark).Should().BeEmpty();
        }
    }

    private static void Instant(Stack on, TestGuest.TestGuest guest, string name) =>
        K.Ok(VirtSnap.Run("-c", on.Uri, "snapshot-create-as", guest.DomainName, name, "--instant",
            "--memspec", Path.Combine(guest.Directory, $"{name}.mem"), "--diskspec", $"vda,file={Path.Combine(guest.Directory, $"{name}.qcow2")}"));
}
