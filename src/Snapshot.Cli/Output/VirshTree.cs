using System.Text;

namespace Snapshot.Cli.Output;

/// <summary>
/// virsh's tree drawing (vshTreePrint), over a list of (name, parent) in display order. Each entry
/// without a parent starts a tree. A node prints as <c>indent + "+- " + name</c> (a root without
/// the <c>"+- "</c>); a node with children is followed by <c>indent + "  |"</c>; children indent by
/// <c>"| "</c> (or <c>"  "</c> under the last sibling) plus two spaces; after a childless last
/// sibling (or a childless root) comes a line holding just the indent.
/// </summary>
internal static class VirshTree
{
    public static string Render(IReadOnlyList<(string Name, string? Parent)> items)
    {
        using var text = new StringWriter { NewLine = "\n" };
        Write(text, items);
        return text.ToString();
    }

    /// <summary>
    /// Writes the tree line by line: a --tree of 1,000 snapshots in a chain is megabytes of indentation, which as one
    /// string (and its builder) doubled the process's peak memory.
    /// </summary>
    public static void Write(TextWriter output, IReadOnlyList<(string Name, string? Parent)> items)
    {
        // Children by parent name, in display order: one pass instead of two scans of the list per node
        // (quadratic, and slow on 1,000s of snapshots).
        var children = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (var i = 0; i < items.Count; i++)
        {
            if (items[i].Parent is { } parent)
            {
                if (!children.TryGetValue(parent, out var list))
                {
                    children[parent] = list = [];
                }

                list.Add(i);
            }
        }

        var indent = new StringBuilder();
        for (var i = 0; i < items.Count; i++)
        {
            if (items[i].Parent is null)
            {
                PrintNode(output, items, children, i, i, root: true, indent);
            }
        }
    }

    private static void PrintNode(TextWriter output, IReadOnlyList<(string Name, string? Parent)> items, Dictionary<string, List<int>> children,
        int id, int lastSibling, bool root, StringBuilder indent)
    {
        var name = items[id].Name;
        output.Write(indent);
        output.Write(root ? "" : "+- ");
        output.Write(name);
        output.Write('\n');

        if (!root)
        {
            indent.Append(id == lastSibling ? ' ' : '|').Append(' ');
        }

        var mine = children.GetValueOrDefault(name);
        var lastChild = mine is { Count: > 0 } ? mine[^1] : -1;

        if (lastChild != -1)
        {
            output.Write(indent);
            output.Write("  |\n");
        }

        indent.Append("  ");
        if (mine is not null)
        {
            foreach (var i in mine)
            {
                PrintNode(output, items, children, i, lastChild, root: false, indent);
            }
        }

        indent.Length -= 2;

        if (lastChild == -1 && id == lastSibling)
        {
            output.Write(indent);
            output.Write('\n');
        }

        if (!root)
        {
            indent.Length -= 2;
        }
    }
}
