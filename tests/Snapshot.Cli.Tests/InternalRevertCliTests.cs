using Snapshot.TestGuest;

namespace Snapshot.Cli.Tests;

/// <summary>
/// snapshot-revert to an internal snapshot whose image an external snapshot froze: refused as bad input (exit 2),
/// one line on stderr naming the image and the snapshot, the tree and the domain as they were.
/// </summary>
[Collection("vm")]
public sealed class InternalRevertCliTests
{
    [Theory]
    [MemberData(nameof(Stack.Names), MemberType = typeof(Stack))]
    public async Task A_revert_that_would_rewrite_an_image_an_external_snapshot_froze_exits_2_with_one_line(string stack)
    {
        var on = Stack.Named(stack);
        var uri = on.Uri;
        await using var guest = await TestGuest.TestGuest.StartAsync(new TestGuestOptions { Uri = uri, Purpose = "cli-intrevert" });
        var d = guest.DomainName;
        VirtSnap.Run("-c", uri, "snapshot-create-as", d, "i").ExitCode.Should().Be(0);
        VirtSnap.Run("-c", uri, "snapshot-create-as", d, "e1", "--disk-only",
            "--diskspec", $"vda,snapshot=external,file={Path.Combine(guest.Directory, "e1.qcow2")}").ExitCode.Should().Be(0);

        var result = VirtSnap.Run("-c", uri, "snapshot-revert", d, "i");

        result.ExitCode.Should().Be(2, result.Err);
        result.Err.Should().Be($"error: reverting to internal snapshot 'i' would rewrite {guest.DiskPath} in place (QEMU's loadvm), "
            + $"which snapshot 'e1' and the domain's current disk vda ({Path.Combine(guest.Directory, "e1.qcow2")}) depend on: "
            + "delete that snapshot first (or revert to it instead), and pass --discard-current to discard the state the current disk holds\n");
        result.Out.Should().Be("\n", "virsh's blank line after a failed command, nothing else");
        Virsh.On(on, "-c", uri, "snapshot-current", d, "--name").Out.Should().Be("e1\n");
        Virsh.On(on, "-c", uri, "domstate", d).Out.Should().StartWith("running");
    }
}
