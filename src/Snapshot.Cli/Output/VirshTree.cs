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

        var sb = new StringBuilder();
        var indent = new StringBuilder();
        for (var i = 0; i < items.Count; i++)
        {
            if (items[i].Parent is null)
            {
                PrintNode(sb, items, children, i, i, root: true, indent);
            }
        }

        return sb.ToString();
    }

    private static void PrintNode(StringBuilder sb, IReadOnlyList<(string Name, string? Parent)> items, Dictionary<string, List<int>> children,
        int id, int lastSibling, bool root, StringBuilder indent)
    {
        var name = items[id].Name;
        sb.Append(indent).Append(root ? "" : "+- ").Append(name).Append('\n');

        if (!root)
        {
            indent.Append(id == lastSibling ? ' ' : '|').Append(' ');
        }

        var mine = children.GetValueOrDefault(name);
        var lastChild = mine is { Count: > 0 } ? mine[^1] : -1;

        if (lastChild != -1)
        {
            sb.Append(indent).Append("  |\n");
        }

        indent.Append("  ");
        if (mine is not null)
        {
            foreach (var i in mine)
            {
                PrintNode(sb, items, children, i, lastChild, root: false, indent);
            }
        }

        indent.Length -= 2;

        if (lastChild == -1 && id == lastSibling)
        {
            sb.Append(indent).Append('\n');
        }

        if (!root)
        {
            indent.Length -= 2;
        }
    }
}
