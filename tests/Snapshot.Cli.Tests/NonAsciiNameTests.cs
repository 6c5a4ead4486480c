using Snapshot.Cli.Output;

namespace Snapshot.Cli.Tests;

/// <summary>
/// Snapshot names with non-ASCII, wide, zero-width, non-printable and control characters print as
/// virsh prints them, in the C locale (CI's, with nothing set) and in C.UTF-8: only virsh's table
/// escapes and measures them, by locale; every other output is the name's bytes as they are. Sets
/// LC_ALL and LANG for both virsh and virt-snap, so it runs alone.
/// </summary>
[Collection(nameof(EnvironmentCollection))]
public sealed class NonAsciiNameTests(UnusualNode node) : IClassFixture<UnusualNode>
{
    public static TheoryData<string?, string?> Locales() => new()
    {
        { null, null },          // nothing set: the C locale
        { "C", null },
        { "POSIX", null },
        { "C.UTF-8", null },
        { null, "C.UTF-8" },
        { "xx_XX.UTF-8", null }, // not installed: virsh's setlocale fails and it stays in C
    };

    [Theory]
    [MemberData(nameof(Locales))]
    public void Every_command_prints_unusual_names_as_virsh_does_in_this_locale(string? lcAll, string? lang)
    {
        var saved = (LcAll: Environment.GetEnvironmentVariable("LC_ALL"), Lang: Environment.GetEnvironmentVariable("LANG"));
        try
        {
            Environment.SetEnvironmentVariable("LC_ALL", lcAll);
            Environment.SetEnvironmentVariable("LANG", lang);
            List<string[]> commands =
            [
                ["snapshot-list", "demo"],
                ["snapshot-list", "demo", "--parent"],
                ["-q", "snapshot-list", "demo", "--parent"],
                ["snapshot-list", "demo", "--name"],
                ["snapshot-list", "demo", "--tree"],
                ["snapshot-current", "demo", "--name"],
                ["snapshot-info", "demo", "--current"],
            ];
            foreach (var s in UnusualNode.Snapshots)
            {
                commands.Add(["snapshot-info", "demo", s.Name]);
                if (s.Parent is not null)
                {
                    commands.Add(["snapshot-parent", "demo", s.Name]);
                }
            }

            foreach (var command in commands)
            {
                string[] args = ["-c", node.Uri, .. command];
                var theirs = Virsh.Run(args);
                var ours = VirtSnap.Run(args);

                theirs.ExitCode.Should().Be(0, theirs.Err);
                ours.Err.Should().BeEmpty();
                ours.Out.Should().Be(theirs.Out, $"LC_ALL={lcAll} LANG={lang}: {string.Join(' ', command)}");
            }
        }
        finally
        {
            Environment.SetEnvironmentVariable("LC_ALL", saved.LcAll);
            Environment.SetEnvironmentVariable("LANG", saved.Lang);
        }
    }

    [Fact]
    public void The_table_escapes_by_locale_what_virsh_escapes()
    {
        VirshTable.Encode("café", utf8: true).Should().Be(("café", 4));
        VirshTable.Encode("café", utf8: false).Should().Be(("caf\\xff\\xff", 11));
        VirshTable.Encode("c1\u0085x", utf8: true).Should().Be(("c1\\xff\\xffx", 11));
        VirshTable.Encode("e\u0301t", utf8: true).Width.Should().Be(2);
        VirshTable.Encode("emo😀", utf8: true).Width.Should().Be(5);
        VirshTable.Encode("back\\slash", utf8: false).Should().Be(("back\\slash", 10));
    }
}
