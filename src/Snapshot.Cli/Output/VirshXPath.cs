using System.Xml.Linq;
using System.Xml.XPath;
using Snapshot.Cli.Common;

namespace Snapshot.Cli.Output;

/// <summary>
/// virsh's <c>--xpath</c> (virshDumpXML, libvirt 9.0): the expression is evaluated with the document's
/// root element as the context node, and must give a node-set; each node is printed as libxml2 writes
/// it (<see cref="LibxmlDump"/>), one per line, or all under one <c>&lt;nodes&gt;</c> with <c>--wrap</c>.
/// </summary>
internal static class VirshXPath
{
    /// <summary>Checks the expression before anything is asked of libvirt (a bad one is bad input).</summary>
    public static XPathExpression Compile(string expression)
    {
        try
        {
            return XPathExpression.Compile(expression);
        }
        catch (XPathException)
        {
            throw Invalid(expression);
        }
    }

    /// <summary>The nodes the expression selects in <paramref name="xml"/>, in document order.</summary>
    public static List<XObject> Select(string xml, XPathExpression expression)
    {
        // virsh parses with xmlKeepBlanksDefault(0): the indentation between elements is no node.
        var doc = XDocument.Parse(xml, LoadOptions.PreserveWhitespace);
        LibxmlDump.RemoveBlanks(doc);
        object result;
        try
        {
            result = doc.Root!.CreateNavigator().Evaluate(expression);
        }
        catch (XPathException)
        {
            // An unknown function or namespace prefix only shows when evaluated.
            throw Invalid(expression.Expression);
        }

        // libvirt 9.0's virXPathNodeSet refuses strings, numbers and booleans with this message.
        if (result is not XPathNodeIterator nodes)
        {
            throw CliErrors.Usage($"internal error: Incorrect xpath '{expression.Expression}'");
        }

        var selected = new List<XObject>();
        foreach (XPathNavigator node in nodes)
        {
            if (node.UnderlyingObject is XObject x)
            {
                selected.Add(x);
            }
        }

        return selected;
    }

    /// <summary>What virsh prints: each node and a newline, or the wrapped nodes and a newline.</summary>
    public static string Format(List<XObject> nodes, bool wrap) =>
        wrap ? LibxmlDump.DumpWrapped(nodes) + "\n" : string.Concat(nodes.Select(n => LibxmlDump.Dump(n) + "\n"));

    private static Snapshot.Engine.SnapshotException Invalid(string expression) =>
        CliErrors.Usage($"XPath error: Invalid expression '{expression}'");
}
