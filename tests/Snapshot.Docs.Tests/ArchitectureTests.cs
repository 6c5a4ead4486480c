using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Snapshot.Docs.Tests;

/// <summary>The layer rules docs/architecture.md states, and the docs' links.</summary>
public sealed partial class ArchitectureTests
{
    [Fact]
    public void No_native_imports_outside_the_interop_layer()
    {
        var offenders = Directory.GetFiles(Repo.Path("src"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains("/bin/", StringComparison.Ordinal) && !f.Contains("/obj/", StringComparison.Ordinal))
            .Where(f => !f.StartsWith(Repo.Path("src/Snapshot.Interop/"), StringComparison.Ordinal))
            .Where(f => NativeImport().IsMatch(File.ReadAllText(f)));

        offenders.Should().BeEmpty("P/Invoke lives in src/Snapshot.Interop only");
    }

    [Theory]
    [InlineData("src/Snapshot.Cli/Snapshot.Cli.csproj", "../Snapshot.Engine/Snapshot.Engine.csproj")]
    [InlineData("src/Snapshot.Engine/Snapshot.Engine.csproj", "../Snapshot.Interop/Snapshot.Interop.csproj")]
    public void Each_layer_references_only_the_one_below(string project, string below)
    {
        var references = XDocument.Load(Repo.Path(project)).Descendants("ProjectReference").Select(r => (string?)r.Attribute("Include"));

        references.Should().Equal(below);
    }

    public static TheoryData<string> DocFiles()
    {
        var data = new TheoryData<string>();
        foreach (var f in Directory.GetFiles(Repo.Path("docs"), "*.md").Order(StringComparer.Ordinal))
            data.Add("docs/" + Path.GetFileName(f));
        return data;
    }

    [Theory]
    [MemberData(nameof(DocFiles))]
    public void Relative_links_point_at_files_and_anchors_that_exist(string doc)
    {
        var text = Repo.Read(doc);
        var broken = new List<string>();
        foreach (Match m in Link().Matches(text))
        {
            var target = m.Groups[1].Value;
            if (target.Contains("://", StringComparison.Ordinal) || target.StartsWith("mailto:", StringComparison.Ordinal))
                continue;
            var hash = target.IndexOf('#', StringComparison.Ordinal);
            var file = hash < 0 ? target : target[..hash];
            var anchor = hash < 0 ? null : target[(hash + 1)..];
            var path = file.Length == 0 ? Repo.Path(doc) : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(Repo.Path(doc))!, file));
            if (!File.Exists(path) && !Directory.Exists(path))
            {
                broken.Add(target);
                continue;
            }

            if (anchor is not null && !Anchors(File.ReadAllText(path)).Contains(anchor))
                broken.Add(target);
        }

        broken.Should().BeEmpty($"{doc} links to them");
    }

    /// <summary>GitHub's heading anchors: lower case, punctuation dropped, spaces to dashes.</summary>
    private static HashSet<string> Anchors(string markdown)
    {
        var anchors = new HashSet<string>(StringComparer.Ordinal);
        var inCode = false;
        foreach (var line in markdown.ReplaceLineEndings("\n").Split('\n'))
        {
            if (line.StartsWith("```", StringComparison.Ordinal))
                inCode = !inCode;
            if (inCode || !line.StartsWith('#'))
                continue;
            var title = line.TrimStart('#').Trim().ToLowerInvariant();
            anchors.Add(AnchorDrop().Replace(title, "").Replace(' ', '-'));
        }

        return anchors;
    }

    [GeneratedRegex(@"\[(?:DllImport|LibraryImport)\b")]
    private static partial Regex NativeImport();

    [GeneratedRegex(@"\]\(([^)\s]+)\)")]
    private static partial Regex Link();

    [GeneratedRegex(@"[^\w\- ]")]
    private static partial Regex AnchorDrop();
}
