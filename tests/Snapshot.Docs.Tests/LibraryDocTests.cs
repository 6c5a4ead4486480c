namespace Snapshot.Docs.Tests;

/// <summary>
/// docs/library.md shows only code that compiles: every ```csharp block is preceded by
/// <c>&lt;!-- snippet: NAME --&gt;</c> and is, byte for byte, the snippet NAME of Examples/*.cs,
/// which this project compiles (so an API change breaks the build). LibraryExampleTests runs them.
/// </summary>
public sealed class LibraryDocTests
{
    private const string Doc = "docs/library.md";

    public static TheoryData<string> CsharpBlocks()
    {
        var data = new TheoryData<string>();
        foreach (var block in Markdown.Blocks(Doc).Where(b => b.Language == "csharp"))
            data.Add(block.ToString());
        return data;
    }

    [Theory]
    [MemberData(nameof(CsharpBlocks))]
    public void Each_csharp_block_is_a_compiled_snippet_shown_verbatim(string where)
    {
        var block = Markdown.Blocks(Doc).Single(b => b.ToString() == where);
        var name = Markdown.SnippetName(block.Before);

        name.Should().NotBeNull($"{where} must follow a <!-- snippet: NAME --> line naming its source in tests/Snapshot.Docs.Tests/Examples");
        Snippets.All.Should().ContainKey(name!);
        block.Text.Should().Be(Snippets.All[name!], $"{where} must be snippet '{name}' verbatim (copy it from Examples/ after a change)");
    }

    [Fact]
    public void Every_snippet_is_shown_in_the_guide()
    {
        var shown = Markdown.Blocks(Doc).Select(b => Markdown.SnippetName(b.Before)).ToHashSet();

        Snippets.All.Keys.Where(k => !shown.Contains(k)).Should().BeEmpty("each example in Examples/ is there to be shown");
    }

    [Fact]
    public void The_guide_has_csharp_examples() => Markdown.Blocks(Doc).Count(b => b.Language == "csharp").Should().BeGreaterThan(10);
}
