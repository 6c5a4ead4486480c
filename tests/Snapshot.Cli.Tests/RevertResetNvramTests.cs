namespace Snapshot.Cli.Tests;

/// <summary>
/// snapshot-revert --reset-nvram: the test driver refuses VIR_DOMAIN_SNAPSHOT_REVERT_RESET_NVRAM (0x8)
/// by name, which shows the flag reached libvirt; virsh gets the same refusal.
/// </summary>
public sealed class RevertResetNvramTests(TestNode node) : IClassFixture<TestNode>
{
    [Theory]
    [InlineData("snapshot-revert demo base --reset-nvram")]
    [InlineData("snapshot-revert demo --current --reset-nvram --running")]
    public void The_flag_reaches_libvirt_which_the_test_driver_refuses_as_it_does_virshs(string commandLine)
    {
        string[] args = ["-c", node.Uri, .. commandLine.Split(' ')];
        var theirs = Virsh.Run(args);
        var ours = VirtSnap.Run(args);

        theirs.Err.Should().EndWith("error: unsupported flags (0x8) in function testDomainRevertToSnapshot\n");
        ours.Err.Should().Be("error: unsupported flags (0x8) in function testDomainRevertToSnapshot\n");
        ours.ExitCode.Should().Be(4);
        ours.Out.Should().Be(theirs.Out);
    }

    [Fact]
    public void Without_the_flag_the_same_revert_succeeds()
    {
        var ours = VirtSnap.Run("-c", node.Uri, "snapshot-revert", "demo", "base");

        ours.ExitCode.Should().Be(0, ours.Err);
    }
}
