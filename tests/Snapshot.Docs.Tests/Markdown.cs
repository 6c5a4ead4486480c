using System.Text.RegularExpressions;

namespace Snapshot.Docs.Tests;

/// <summary>The repository's files, found from the test assembly's location.</summary>
public static class Repo
{
    public static string Root { get; } = FindRoot();

    public static string Path(string relative) => System.IO.Path.Combine(Root, relative);

    public static string Read(string relative) => File.ReadAllText(Path(relative)).ReplaceLineEndings("\n");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Snapshot.sln")))
                return dir.FullName;
        }

        throw new InvalidOperationException("Snapshot.sln not found above " + AppContext.BaseDirectory);
    }
}

/// <summary>A fenced code block of a markdown file.</summary>
/// <param name="File">The markdown file, relative to the repository.</param>
/// <param name="Line">The line of the opening fence (1-based).</param>
/// <param name="Info">The info string: the language, then any markers (e.g. <c>console real-vm</c>).</param>
/// <param name="Text">The content, each line ending in <c>\n</c>.</param>
/// <param name="Before">The last non-empty line before the fence (where a <c>&lt;!-- snippet: x --&gt;</c> goes).</param>
public sealed record CodeBlock(string File, int Line, string Info, string Text, string Before)
{
    public string Language => Info.Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? "";

    public bool Has(string marker) => Info.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Contains(marker, StringComparer.Ordinal);

    public override string ToString() => $"{File}:{Line}";
}

public static partial class Markdown
{
    /// <summary>Every fenced (```) block of a markdown file, relative to the repository.</summary>
    public static IReadOnlyList<CodeBlock> Blocks(string file)
    {
        var lines = Repo.Read(file).Split('\n');
        var blocks = new List<CodeBlock>();
        var before = "";
        for (var i = 0; i < lines.Length; i++)
        {
            if (!lines[i].StartsWith("```", StringComparison.Ordinal))
            {
                if (lines[i].Trim().Length > 0)
                    before = lines[i];
                continue;
            }

            var info = lines[i][3..].Trim();
            var start = i;
            var text = new System.Text.StringBuilder();
            for (i++; i < lines.Length && !lines[i].StartsWith("```", StringComparison.Ordinal); i++)
                text.Append(lines[i]).Append('\n');
            if (i == lines.Length)
                throw new InvalidOperationException($"{file}:{start + 1}: unclosed code block");
            blocks.Add(new CodeBlock(file, start + 1, info, text.ToString(), before));
            before = "";
        }

        return blocks;
    }

    /// <summary>The name in a <c>&lt;!-- snippet: NAME --&gt;</c> line, or null.</summary>
    public static string? SnippetName(string line) => SnippetComment().Match(line) is { Success: true } m ? m.Groups[1].Value : null;

    [GeneratedRegex(@"^<!--\s*snippet:\s*([\w-]+)\s*-->$")]
    private static partial Regex SnippetComment();
}

/// <summary>
/// The snippets of <c>Examples/*.cs</c>: the lines between <c>// begin-snippet: NAME</c> and
/// <c>// end-snippet</c>, with the indentation of the begin line removed.
/// </summary>
public static class Snippets
{
    public static IReadOnlyDictionary<string, string> All { get; } = Load();

    private static Dictionary<string, string> Load()
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in Directory.GetFiles(Repo.Path("tests/Snapshot.Docs.Tests/Examples"), "*.cs").Order(StringComparer.Ordinal))
        {
            var lines = File.ReadAllText(file).ReplaceLineEndings("\n").Split('\n');
            for (var i = 0; i < lines.Length; i++)
            {
                var begin = lines[i].IndexOf("// begin-snippet:", StringComparison.Ordinal);
                if (begin < 0)
                    continue;
                var name = lines[i][(begin + "// begin-snippet:".Length)..].Trim();
                var text = new System.Text.StringBuilder();
                for (i++; i < lines.Length && !lines[i].Trim().Equals("// end-snippet", StringComparison.Ordinal); i++)
                    text.Append(lines[i].Length >= begin && lines[i][..begin].Trim().Length == 0 ? lines[i][begin..] : lines[i].TrimStart()).Append('\n');
                if (i == lines.Length)
                    throw new InvalidOperationException($"{file}: snippet {name} has no end");
                if (!result.TryAdd(name, text.ToString()))
                    throw new InvalidOperationException($"{file}: snippet {name} defined twice");
            }
        }

        return result;
    }
}
