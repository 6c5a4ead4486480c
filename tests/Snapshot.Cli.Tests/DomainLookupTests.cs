namespace Snapshot.Cli.Tests;

/// <summary>
/// The &lt;domain&gt; operand is virsh's "domain name, id or uuid", tried in virsh's order (ID, UUID,
/// name): each line here runs virsh and virt-snap on the same node. The node's running domains have
/// IDs in file order (demo 1, chain 2, bare 3, "2" 4).
/// </summary>
public sealed class DomainLookupTests(TestNode node) : IClassFixture<TestNode>
{
    public static TheoryData<string> Found() =>
    [
        "snapshot-list|1|--name",
        "snapshot-list|2|--name",          // chain by ID, not the domain named "2"
        "snapshot-list|4|--name",          // the domain named "2", by its ID
        "snapshot-list| 1|--name",         // strtol: leading blanks
        "snapshot-list|+1|--name",         // ... and a sign
        "snapshot-list|01|--name",
        "snapshot-info|3|--current",       // bare: no current snapshot (fails the same way after finding it)
        "snapshot-info|1|base",
        "snapshot-current|2|--name",
        "snapshot-parent|--domain|1|--snapshotname|alpha",
        "snapshot-dumpxml|1|base",
        "snapshot-list|4dea22b3-1d52-d8f3-2516-782e98ab3fa0|--name",
        "snapshot-list|4DEA22B3 1D52 D8F3 2516 782E98AB3FA0|--name", // libvirt's lenient UUID parse, 36 bytes
        "snapshot-list|4dea22b31d52d8f32516782e98ab3fa0    |--name",
        "snapshot-revert|1|base",
    ];

    public static TheoryData<string> Missing() =>
    [
        "snapshot-list|9",
        "snapshot-list|-0",                                  // ID 0: none here, and no such name
        "snapshot-list|-1",
        "snapshot-list|0x1",
        "snapshot-list|1 ",                                  // strtol takes no trailing blank
        "snapshot-list|2147483648",
        "snapshot-list|4dea22b31d52d8f32516782e98ab3fa0",    // 32 bytes: never tried as a UUID
        "snapshot-list|00000000-0000-0000-0000-000000000001",
        "snapshot-info|nodom|base",
    ];

    [Theory]
    [MemberData(nameof(Found))]
    public void A_domain_given_by_id_uuid_or_name_is_the_one_virsh_finds(string commandLine)
    {
        var args = Args(commandLine);
        var theirs = Virsh.Run(args);
        var ours = VirtSnap.Run(args);

        ours.Out.Should().Be(theirs.Out);
        (ours.ExitCode == 0).Should().Be(theirs.ExitCode == 0, $"virsh: {theirs.Err} virt-snap: {ours.Err}");
    }

    [Theory]
    [MemberData(nameof(Missing))]
    public void A_domain_found_by_no_try_is_virshs_one_error_line_and_exit_3(string commandLine)
    {
        var args = Args(commandLine);
        var theirs = Virsh.Run(args);
        var ours = VirtSnap.Run(args);

        theirs.ExitCode.Should().Be(1);
        ours.ExitCode.Should().Be(3);
        ours.Err.Should().Be(theirs.Err).And.StartWith("error: failed to get domain '");
        ours.Out.Should().Be(theirs.Out);
    }

    [Fact]
    public void The_id_of_the_default_test_domain_finds_it()
    {
        var ours = VirtSnap.Run("-c", "test:///default", "snapshot-list", "1", "--name");

        ours.ExitCode.Should().Be(0, ours.Err);
        ours.Out.Should().Be(Virsh.Run("-c", "test:///default", "snapshot-list", "1", "--name").Out);
    }

    private string[] Args(string commandLine) => ["-c", node.Uri, .. commandLine.Split('|')];
}
