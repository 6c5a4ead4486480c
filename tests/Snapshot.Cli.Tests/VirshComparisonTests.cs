namespace Snapshot.Cli.Tests;

/// <summary>
/// virt-snap must print exactly what virsh prints for the same command on the same (fresh) test
/// driver state: these run both and compare stdout byte for byte, against the virsh of each stack
/// (libvirt 9.0's on the host, 11.3's inside the second stack's chroot, reading the same node file).
/// </summary>
public sealed class VirshComparisonTests(TestNode node) : IClassFixture<TestNode>
{
    public static TheoryData<string, string> ReadCommands() => OnEachStack(ReadCommandLines);

    public static TheoryData<string, string> WriteCommands() => OnEachStack(WriteCommandLines);

    // "version" names the client library: virt-snap's here is the host's (9.0), so it matches only the host's
    // virsh; the second stack's own client runs virt-snap in the chroot smoke test.
    private static TheoryData<string, string> OnEachStack(string[] commandLines)
    {
        var data = new TheoryData<string, string>();
        foreach (var stack in TestGuest.Stack.All)
        {
            foreach (var line in commandLines)
            {
                if (line != "version" || stack == TestGuest.Stack.Host)
                    data.Add(stack.Name, line);
            }
        }
        return data;
    }

    private static readonly string[] ReadCommandLines =
    [
        "snapshot-list demo",
        "snapshot-list demo --parent",
        "snapshot-list demo --name",
        "snapshot-list demo --tree",
        "snapshot-list demo --roots",
        "snapshot-list demo --leaves",
        "snapshot-list demo --no-leaves",
        "snapshot-list demo --from base",
        "snapshot-list demo base",
        "snapshot-list demo --from base --descendants",
        "snapshot-list demo --from|with space",
        "snapshot-list demo --current",
        "snapshot-list demo --current --descendants",
        "snapshot-list demo --tree --from base",
        "snapshot-list demo --tree --from base --descendants",
        "snapshot-list demo --tree --current",
        "snapshot-list demo --inactive",
        "snapshot-list demo --active --internal",
        "snapshot-list demo --external --parent",
        "snapshot-list demo --disk-only --name",
        "snapshot-list demo --metadata --name",
        "snapshot-list demo --no-metadata",
        "snapshot-list demo --leaves --no-leaves",
        "snapshot-list --domain demo --name --leaves",
        "snapshot-list chain --topological",
        "snapshot-list chain --name --topological",
        "snapshot-list chain --parent --topological",
        "snapshot-list chain --tree --topological",
        "snapshot-list bare",
        "snapshot-list bare --tree",
        "-q snapshot-list demo",
        "-q snapshot-list demo --tree",
        "snapshot-info demo base",
        "snapshot-info demo|with space",
        "snapshot-info demo|a&b",
        "snapshot-info demo --current",
        "snapshot-info demo ext-disk",
        "snapshot-info --domain demo --snapshotname Zeta",
        "-q snapshot-info demo alpha",
        "snapshot-current demo",
        "snapshot-current demo --name",
        "snapshot-current chain --name",
        "-q snapshot-current demo --name",
        "snapshot-parent demo --current",
        "snapshot-parent demo alpha",
        "snapshot-parent --domain demo --snapshotname a&b",
        "snapshot-dumpxml demo base",
        "snapshot-dumpxml demo|a&b",
        "snapshot-dumpxml demo|" + TestNode.QuoteName,
        "snapshot-dumpxml demo ext-disk --security-info",
        "version",
    ];

    private static readonly string[] WriteCommandLines =
    [
        "snapshot-create-as demo new1",
        "snapshot-create-as demo new1 first --print-xml",
        "snapshot-create-as demo --print-xml --no-metadata",
        "snapshot-create-as demo|n&1|d <x>|--print-xml|--memspec|/tmp/m,snapshot=external|--diskspec|vda,snapshot=external,file=/tmp/o.qcow2,driver=qcow2|--diskspec|vdb",
        "snapshot-create-as demo --print-xml --memspec snapshot=no --diskspec vda,stype=block,file=/dev/x",
        "snapshot-delete demo base",
        "snapshot-delete demo --current",
        "snapshot-delete demo base --children",
        "snapshot-delete demo base --children-only",
        "snapshot-revert demo base",
        "snapshot-revert demo --current",
        "snapshot-revert demo alpha --paused",
        "snapshot-current demo base",
        "-q snapshot-delete demo base",
        "snapshot-create-as demo n d vdb --diskspec vda --print-xml",
        "snapshot-create-as demo --diskspec vda n d vdb vdc --diskspec vde --print-xml",
        "snapshot-create-as --domain demo n --diskspec vdz d vdb --print-xml",
        "snapshot-create demo",
        "snapshot-create demo {xmlfile}",
        "snapshot-create demo --xmlfile {xmlfile}",
    ];

    [Theory]
    [MemberData(nameof(ReadCommands))]
    public void Read_commands_print_what_virsh_prints(string stack, string commandLine) => AssertSameAsVirsh(stack, commandLine);

    [Theory]
    [MemberData(nameof(WriteCommands))]
    public void Write_commands_print_what_virsh_prints(string stack, string commandLine) => AssertSameAsVirsh(stack, commandLine);

    [Theory]
    [MemberData(nameof(TestGuest.Stack.Names), MemberType = typeof(TestGuest.Stack))]
    public void Topological_order_of_a_branched_tree_puts_parents_first_and_lists_the_same_names(string stack)
    {
        // virsh's order of siblings here follows libvirt's hash table and changes from run to run:
        // compare the names as a set and check the order's promise (parents before children).
        string[] args = ["snapshot-list", "demo", "--name", "--topological"];
        var ours = VirtSnap.Run([.. Connect, .. args]);
        var theirs = Virsh.On(TestGuest.Stack.Named(stack), [.. Connect, .. args]);

        ours.ExitCode.Should().Be(0);
        ours.Out.Split('\n').Should().BeEquivalentTo(theirs.Out.Split('\n'));
        ours.Out.Should().EndWith("\n\n");
        var names = ours.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < names.Length; i++)
        {
            if (TestNode.DemoParents[names[i]] is { } parent)
            {
                Array.IndexOf(names, parent).Should().BeLessThan(i, $"{names[i]}'s parent {parent} comes first");
            }
        }
    }

    private string[] Connect => ["-c", node.Uri];

    /// <summary>A command line: words split on spaces; after a '|', each '|'-separated part is one word.</summary>
    private void AssertSameAsVirsh(string stack, string commandLine)
    {
        var parts = commandLine.Replace("{xmlfile}", node.XmlFile, StringComparison.Ordinal).Split('|');
        string[] args = [.. parts[0].Split(' ', StringSplitOptions.RemoveEmptyEntries), .. parts.Skip(1)];

        var theirs = Virsh.On(TestGuest.Stack.Named(stack), [.. Connect, .. args]);
        var ours = VirtSnap.Run([.. Connect, .. args]);

        theirs.ExitCode.Should().Be(0, $"virsh runs `{commandLine}` ({theirs.Err})");
        ours.Err.Should().BeEmpty();
        ours.ExitCode.Should().Be(0);
        // A snapshot created without a name is named by the second it was made in: the two runs may fall in
        // different seconds (the second stack's virsh starts in a chroot), so compare those names by time.
        var ourNames = AutoNames(ours.Out);
        var theirNames = AutoNames(theirs.Out);
        ourNames.Should().HaveSameCount(theirNames);
        for (var i = 0; i < ourNames.Count; i++)
        {
            Math.Abs(ourNames[i] - theirNames[i]).Should().BeLessThan(30, "both name the snapshot by the second it was made");
        }

        AutoName.Replace(ours.Out, "Domain snapshot <time> created").Should().Be(AutoName.Replace(theirs.Out, "Domain snapshot <time> created"));
    }

    private static readonly System.Text.RegularExpressions.Regex AutoName = new(@"Domain snapshot [0-9]{10} created");

    private static List<long> AutoNames(string output) =>
        AutoName.Matches(output).Select(m => long.Parse(m.Value.AsSpan(16, 10), System.Globalization.CultureInfo.InvariantCulture)).ToList();
}
