using System.Text.Json;
using Snapshot.TestGuest;
using K = Snapshot.Cli.Tests.KillRecoveryTests;

namespace Snapshot.Cli.Tests;

/// <summary>
/// A children delete of external snapshots through the CLI, on a real guest per stack (a → b → c, instant snapshots with
/// memory): killed after its first snapshot's record went and recovered (c finished, a and b kept, each reverting to its
/// data); then <c>--children-only</c> prints virsh's own line for it on an internal tree (and, under <c>-v</c>, the bytes
/// merged on stderr); then <c>--children --json</c> names what went, leaves first, and the bytes merged.
/// </summary>
[Collection("vm")]
public sealed class ChildrenDeleteCliTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    [Theory]
    [MemberData(nameof(Stack.Names), MemberType = typeof(Stack))]
    public async Task A_children_delete_is_recovered_after_a_kill_and_prints_what_virsh_prints(string stack)
    {
        var on = Stack.Named(stack);
        await using var guest = await TestGuest.TestGuest.StartAsync(new TestGuestOptions { Uri = on.Uri, Purpose = "children-cli" });
        var d = guest.DomainName;
        var sequences = new Dictionary<string, long>(StringComparer.Ordinal);
        var frozen = guest.DiskPath;
        foreach (var name in new[] { "a", "b", "c" })
        {
            await guest.WaitForSequenceAfterAsync(guest.Mark(), _ => true, Wait);
            K.Ok(VirtSnap.Run("-c", on.Uri, "snapshot-create-as", d, name, "--instant",
                "--memspec", File(guest, name + ".mem"), "--diskspec", $"vda,file={File(guest, name + ".qcow2")}"));
            sequences[name] = guest.ReadDiskSequence(frozen);
            frozen = File(guest, name + ".qcow2");
        }
        var filesBefore = K.Files(guest.Directory);
        filesBefore.ExceptWith([File(guest, "c.mem"), File(guest, "c.qcow2"), File(guest, "b.qcow2")]);

        var killed = K.RunKilled("delete:delete-snapshot:1", "-c", on.Uri, "snapshot-delete", d, "a", "--children-only");
        killed.ExitCode.Should().Be(137, killed.Err);
        var recovered = K.Recover(on, d);
        recovered.GetProperty("outcome").GetString().Should().Be("rolled-forward", recovered.ToString());
        await K.CheckWholeAsync(on, guest, settings: null, filesBefore, "the first delete of --children-only");
        Names(on, d).Should().BeEquivalentTo(["a", "b"], "c went before the kill; b was not reached");
        System.IO.File.Exists(File(guest, "c.mem")).Should().BeFalse("recovery finished the delete of c");
        foreach (var name in new[] { "a", "b" })
            await RevertAsync(on, guest, name, sequences[name]);

        using (var node = new TestNode())
        {
            var virsh = Virsh.On(on, "-c", node.Uri, "snapshot-delete", "demo", "Zeta", "--children-only");
            virsh.ExitCode.Should().Be(0, virsh.Err);
            // A process of its own: -v's log goes to the process's stderr, which an in-process run does not capture.
            var result = VirtSnap.RunProcess(VirtSnap.StartInfo("-c", on.Uri, "-v", "snapshot-delete", d, "a", "--children-only"));
            result.ExitCode.Should().Be(0, result.Err);
            result.Out.Should().Be(virsh.Out.Replace("Zeta", "a", StringComparison.Ordinal), "the text is virsh's for an internal tree");
            result.Err.Should().Contain($"Deleted snapshots b of {d}: ").And.Contain(" bytes merged");
        }
        Names(on, d).Should().Equal(["a"]);
        System.IO.File.Exists(File(guest, "b.mem")).Should().BeFalse();
        await RevertAsync(on, guest, "a", sequences["a"]);

        await guest.WaitForSequenceAfterAsync(guest.Mark(), _ => true, Wait);
        K.Ok(VirtSnap.Run("-c", on.Uri, "snapshot-create-as", d, "x", "--memspec", File(guest, "x.mem"), "--diskspec", $"vda,file={File(guest, "x.qcow2")}"));
        var json = K.Ok(VirtSnap.Run("-c", on.Uri, "--json", "snapshot-delete", d, "a", "--children"));
        using var doc = JsonDocument.Parse(json);
        var data = doc.RootElement.GetProperty("data");
        data.GetProperty("mode").GetString().Should().Be("children");
        data.GetProperty("deleted").EnumerateArray().Select(e => e.GetString()).Should().Equal(["x", "a"], "leaves first");
        data.GetProperty("bytesMerged").GetInt64().Should().BeGreaterThan(0, $"a's layer under the running domain was merged: {json}");
        Names(on, d).Should().BeEmpty();
    }

    private static string File(TestGuest.TestGuest guest, string name) => Path.Combine(guest.Directory, name);

    private static List<string> Names(Stack on, string domain) =>
        VirtSnap.Run("-c", on.Uri, "snapshot-list", domain, "--name").Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();

    private static async Task RevertAsync(Stack on, TestGuest.TestGuest guest, string name, long sequence)
    {
        Virsh.On(on, "-c", on.Uri, "suspend", guest.DomainName).ExitCode.Should().Be(0);
        await Task.Delay(TimeSpan.FromMilliseconds(300));
        var mark = guest.Mark();
        K.Ok(VirtSnap.Run("-c", on.Uri, "snapshot-revert", guest.DomainName, name));
        (await guest.SequenceAfterRevertAsync(mark, sequence, Wait)).Should().Be(sequence + 1, $"{name} reverts to its data");
        guest.InconsistentLinesAfter(mark).Should().BeEmpty();
    }
}
