using System.Text.RegularExpressions;

namespace Snapshot.Docs.Tests;

/// <summary>
/// The shell examples of docs/cli.md and docs/ci.md, run (see docs/README.md, "Examples that are tested"):
/// <list type="bullet">
/// <item>```console blocks: each <c>$ </c> line is a command, the lines below it its output. Commands
/// run in bash (see <see cref="Shell"/>) and must print exactly what is shown (trailing spaces and
/// trailing blank lines aside). <c>$ export ...</c> lines carry over to the block's later commands.</item>
/// <item>```console real-vm blocks: written for a real VM (qemu:///system). Each virt-snap command runs
/// against test:///default instead, where the domain does not exist: it must parse and get as far as
/// looking the domain up (exit 0 or 3). Other commands in them are not run.</item>
/// <item>```bash blocks (scripts): <c>bash -n</c>, then each virt-snap command in it is checked as in
/// real-vm blocks, with the script's top-level <c>NAME=value</c> lines evaluated first.</item>
/// </list>
/// </summary>
public sealed partial class ShellDocTests
{
    private static readonly string[] Docs = ["docs/cli.md", "docs/ci.md"];

    public static TheoryData<string> Blocks(string language, bool realVm)
    {
        var data = new TheoryData<string>();
        foreach (var doc in Docs)
        {
            foreach (var block in Markdown.Blocks(doc).Where(b => b.Language == language && b.Has("real-vm") == realVm))
                data.Add(block.ToString());
        }

        return data;
    }

    public static TheoryData<string> ConsoleBlocks() => Blocks("console", realVm: false);

    public static TheoryData<string> RealVmBlocks() => Blocks("console", realVm: true);

    public static TheoryData<string> Scripts() => Blocks("bash", realVm: false);

    [Theory]
    [MemberData(nameof(ConsoleBlocks))]
    public void Console_examples_print_what_they_show(string where)
    {
        var block = Find(where);
        var exports = "";
        var ran = 0;
        foreach (var (command, shown) in Commands(block.Text))
        {
            if (command.StartsWith("export ", StringComparison.Ordinal))
            {
                exports += command + "\n";
                continue;
            }

            command.Should().StartWith("virt-snap ", $"{where}: only virt-snap and export run in a console block; mark blocks for a real host 'console real-vm'");
            var (_, output) = Shell.Run(Shell.Runnable + exports, command + "\n");
            Normalize(output).Should().Be(Normalize(shown), $"{where}: `{command}` must print what the doc shows");
            ran++;
        }

        ran.Should().BeGreaterThan(0, $"{where} has no command");
    }

    [Theory]
    [MemberData(nameof(RealVmBlocks))]
    public void Real_vm_examples_parse(string where)
    {
        var block = Find(where);
        var commands = Commands(block.Text).Select(c => c.Command).Where(c => c.StartsWith("virt-snap ", StringComparison.Ordinal)).ToList();

        commands.Should().NotBeEmpty($"{where} has no virt-snap command");
        foreach (var command in commands)
            CheckParses(where, "", command);
    }

    [Theory]
    [MemberData(nameof(Scripts))]
    public void Scripts_are_valid_bash_and_their_virt_snap_commands_parse(string where)
    {
        var block = Find(where);
        var (code, output) = Shell.Run("", "bash -n <<'SCRIPT'\n" + block.Text + "SCRIPT\n");
        code.Should().Be(0, $"{where} must be valid bash: {output}");

        var lines = block.Text.Replace("\\\n", " ", StringComparison.Ordinal).Split('\n');
        var assignments = string.Join("\n", lines.Where(l => Assignment().IsMatch(l))) + "\n";
        var commands = lines.SelectMany(l => Invocation().Matches(l).Select(m => m.Value.TrimEnd())).ToList();

        commands.Should().NotBeEmpty($"{where} runs no virt-snap command");
        foreach (var command in commands)
            CheckParses(where, assignments, command);
    }

    private static void CheckParses(string where, string prelude, string command)
    {
        var codes = Path.GetTempFileName();
        try
        {
            var (_, output) = Shell.Run(Shell.ParseOnly(codes) + prelude, command + "\n");
            var exits = File.ReadAllLines(codes);
            exits.Should().NotBeEmpty($"{where}: `{command}` did not run virt-snap: {output}");
            exits.Should().OnlyContain(c => c == "0" || c == "3",
                $"{where}: `{command}` must parse and reach the domain lookup (exit 0, or 3 for the missing domain); it printed: {output}");
        }
        finally
        {
            File.Delete(codes);
        }
    }

    /// <summary>The <c>$ </c> commands of a console block, each with the lines shown below it.</summary>
    private static List<(string Command, string Shown)> Commands(string text)
    {
        var result = new List<(string, string)>();
        string? command = null;
        var shown = new System.Text.StringBuilder();
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith("$ ", StringComparison.Ordinal))
            {
                if (command is not null)
                    result.Add((command, shown.ToString()));
                command = line[2..];
                shown.Clear();
            }
            else if (command is not null)
            {
                shown.Append(line).Append('\n');
            }
        }

        if (command is not null)
            result.Add((command, shown.ToString()));
        return result;
    }

    /// <summary>Trailing spaces of each line and trailing blank lines dropped (markdown editors strip them).</summary>
    private static string Normalize(string text)
    {
        var lines = text.ReplaceLineEndings("\n").Split('\n').Select(l => l.TrimEnd()).ToList();
        while (lines.Count > 0 && lines[^1].Length == 0)
            lines.RemoveAt(lines.Count - 1);
        return string.Join("\n", lines);
    }

    private static CodeBlock Find(string where) =>
        Docs.SelectMany(Markdown.Blocks).Single(b => b.ToString() == where);

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*=")]
    private static partial Regex Assignment();

    // A virt-snap command up to the end of its simple command (pipes, lists, $( ) and comments end it).
    [GeneratedRegex(@"(?<![\w-])virt-snap\s[^|;&)#\n]*")]
    private static partial Regex Invocation();

    [Fact]
    public void The_docs_have_runnable_shell_examples()
    {
        ConsoleBlocks().Count.Should().BeGreaterThan(5);
        Scripts().Count.Should().BeGreaterThan(0);
    }
}
