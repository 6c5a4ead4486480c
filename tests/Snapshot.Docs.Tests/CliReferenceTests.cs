using System.Text.RegularExpressions;

namespace Snapshot.Docs.Tests;

/// <summary>
/// virt-snap(1) (the hidden <c>manpage</c> command, packed into the .deb), <c>--help</c> and docs/cli.md name the same
/// commands and options with the same words: the man page and --help come from one command tree, and this keeps
/// docs/cli.md beside them.
/// </summary>
public sealed partial class CliReferenceTests
{
    private static readonly Lazy<string> ManPage = new(() => Run("virt-snap manpage"));

    private static string Run(string command)
    {
        var (code, output) = Shell.Run(Shell.Runnable, command);
        code.Should().Be(0, output);
        return output;
    }

    /// <summary>The commands --help lists (the hidden ones are not listed).</summary>
    private static List<string> HelpCommands() =>
        Run("virt-snap --help").Split('\n').SkipWhile(l => l != "Commands:").Skip(1).TakeWhile(l => l.Length > 0)
            .Select(l => l.Trim().Split(' ')[0]).ToList();

    /// <summary>Each option line of a --help: its names and its description, wrapped lines joined.</summary>
    private static Dictionary<string, string> HelpOptions(string help)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        string? last = null;
        foreach (var line in help.Split('\n').SkipWhile(l => l != "Options:").Skip(1).TakeWhile(l => l.Length > 0))
        {
            var m = HelpOptionLine().Match(line);
            if (m.Success)
            {
                last = m.Groups["names"].Value.Split(", ").Last();
                options[last] = m.Groups["text"].Value.Trim();
            }
            else if (last is not null)
            {
                options[last] += " " + line.Trim();
            }
        }

        options.Remove("--help");
        return options;
    }

    /// <summary>The man page's options in one section: the long name of each tagged paragraph and its text.</summary>
    private static Dictionary<string, string> ManOptions(string section)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        var lines = section.Split('\n');
        for (var i = 0; i + 2 < lines.Length; i++)
        {
            if (lines[i] == ".TP" && ManOptionNames().Match(lines[i + 1]) is { Success: true } m)
                options[Unescape(m.Groups["long"].Value)] = Unescape(lines[i + 2]);
        }

        options.Remove("--help");
        return options;
    }

    private static string Unescape(string roff) => roff.Replace("\\-", "-", StringComparison.Ordinal).Replace("\\e", "\\", StringComparison.Ordinal);

    private static string ManSection(string heading)
    {
        var page = ManPage.Value;
        var start = page.IndexOf(heading + "\n", StringComparison.Ordinal);
        start.Should().BeGreaterThan(0, $"virt-snap(1) has '{heading}'");
        // A section runs to the next one; a command's subsection to the next command too.
        var ends = new[] { "\n.SH ", heading.StartsWith(".SS ", StringComparison.Ordinal) ? "\n.SS " : "\n.SH " }
            .Select(next => page.IndexOf(next, start + heading.Length, StringComparison.Ordinal)).Where(i => i > 0).ToList();
        return page[start..(ends.Count == 0 ? page.Length : ends.Min())];
    }

    /// <summary>docs/cli.md's "### command" sections under "## Commands".</summary>
    private static Dictionary<string, string> DocSections()
    {
        var doc = Repo.Read("docs/cli.md");
        var commands = doc[doc.IndexOf("\n## Commands\n", StringComparison.Ordinal)..];
        var next = commands.IndexOf("\n## ", 1, StringComparison.Ordinal);
        commands = next < 0 ? commands : commands[..next];
        return commands.Split("\n### ").Skip(1).ToDictionary(s => s[..s.IndexOf('\n')].Trim(), s => s, StringComparer.Ordinal);
    }

    [Fact]
    public void Help_the_man_page_and_docs_cli_md_list_the_same_commands()
    {
        var help = HelpCommands();
        help.Should().Contain(["snapshot-create-as", "snapshot-list", "snapshot-revert", "version"]);
        var man = ManSection(".SH COMMANDS").Split('\n').Where(l => l.StartsWith(".SS ", StringComparison.Ordinal)).Select(l => Unescape(l[4..])).ToList();
        man.Should().Equal(help);
        DocSections().Keys.Should().BeEquivalentTo(help);
    }

    [Fact]
    public void Each_command_has_the_same_options_and_words_in_help_and_the_man_page_and_every_option_in_docs_cli_md()
    {
        var docs = DocSections();
        var globals = HelpOptions(Run("virt-snap --help")).Keys;
        var undocumented = new List<string>();
        foreach (var command in HelpCommands())
        {
            var text = Run($"virt-snap {command} --help");
            var help = HelpOptions(text);
            var own = help.Where(o => !globals.Contains(o.Key)).ToDictionary();
            own.Should().NotBeEmpty(command);
            ManOptions(ManSection(".SS " + command.Replace("-", "\\-", StringComparison.Ordinal))).Should().Equal(own, command);
            // An operand (--domain) may be documented in its positional spelling (<domain>), as virsh's synopsis has it.
            var operands = text.Split('\n').SkipWhile(l => l != "Arguments:").Skip(1).TakeWhile(l => l.Length > 0)
                .Select(l => l.Trim().Split(' ')[0]).ToHashSet(StringComparer.Ordinal);
            undocumented.AddRange(own.Keys
                .Where(o => !docs[command].Contains($"`{o}", StringComparison.Ordinal) && !docs[command].Contains($"[{o}", StringComparison.Ordinal)
                    && !docs[command].Contains($" {o}", StringComparison.Ordinal) && !(operands.Contains($"<{o[2..]}>") && docs[command].Contains($"<{o[2..]}>", StringComparison.Ordinal)))
                .Select(o => $"{command} {o}"));
        }

        undocumented.Should().BeEmpty("docs/cli.md's section of each command names each of its options");
    }

    [Fact]
    public void Global_options_agree_between_help_and_the_man_page()
    {
        var help = HelpOptions(Run("virt-snap --help"));
        help.Keys.Should().Contain(["--connect", "--json", "--quiet", "--verbose"]);
        ManOptions(ManSection(".SH GLOBAL OPTIONS")).Should().Equal(help);
        var doc = Repo.Read("docs/cli.md");
        foreach (var option in help.Keys)
            doc.Should().Contain($"`{option}", "docs/cli.md's global options table names it");
    }

    [Fact]
    public void The_man_page_renders_without_warnings()
    {
        var file = Path.Combine(Path.GetTempPath(), $"virt-snap-{Environment.ProcessId}.1");
        File.WriteAllText(file, ManPage.Value);
        try
        {
            var page = Shell.Quote(file);
            var (code, output) = Shell.Run("", $"w=$(MANWIDTH=80 man --warnings -l {page} 2>&1 >/dev/null); echo \"warnings: [$w]\"; MANWIDTH=80 man -l {page} | col -bx");
            code.Should().Be(0, output);
            output.Should().StartWith("warnings: []\n", "groff has nothing to say about the page");
            output.Should().MatchRegex(@"\nVIRT-SNAP\(1\) +User Commands +VIRT-SNAP\(1\)\n").And.Contain("EXIT STATUS");
        }
        finally
        {
            File.Delete(file);
        }
    }

    [GeneratedRegex(@"^  (?<names>-[^ ,]*(, -[^ ,]*)*)( <[^>]*>)? +(?<text>.*)$")]
    private static partial Regex HelpOptionLine();

    [GeneratedRegex(@"\\fB(?<long>\\-\\-[^\\]*(\\-[^\\]*)*)\\fR( \\fI[^\\]*\\fR)?$")]
    private static partial Regex ManOptionNames();
}
