using System.Text;
using System.Xml.Linq;

namespace Snapshot.Cli.Output;

/// <summary>
/// Writes XML nodes as libxml2's <c>xmlNodeDump(..., level 0, format 1)</c> does, which is how virsh
/// prints <c>--xpath</c> results: two-space indentation, except inside an element that has a text child
/// (mixed content is written as is); empty elements as <c>&lt;x/&gt;</c>; attributes in double quotes;
/// namespace declarations before the other attributes; an attribute node alone as <c> name="value"</c>;
/// non-ASCII text written as is but, in attribute values, as character references (virsh's parsed
/// document has no encoding, which libxml2's attribute writer looks at and its text writer does not),
/// except within a whole document dumped on its own, which libxml2 gives UTF-8 while it writes it.
/// </summary>
internal static class LibxmlDump
{
    private const string Declaration = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";

    // libxml2 indents at most 30 levels (60 spaces).
    private const int MaxIndentLevels = 30;

    public static string Dump(XObject node)
    {
        var sb = new StringBuilder();
        var level = 0;
        // Only a document written on its own is given UTF-8 while written; a copy under --wrap's root is not.
        Write(sb, node, format: true, ref level, inDocument: node is XDocument);
        return sb.ToString();
    }

    /// <summary>
    /// virsh's <c>--wrap</c>: copies of the nodes under a new <c>&lt;nodes&gt;</c> root, added as libxml2's
    /// <c>xmlAddChild</c> adds them: a text node joins a text node before it, an attribute becomes an
    /// attribute of the root (replacing one of the same name, and going last); a copied element declares
    /// the namespaces it uses that its ancestors declared (libxml2's copy reconciles them).
    /// </summary>
    public static string DumpWrapped(IEnumerable<XObject> nodes)
    {
        var attributes = new List<XAttribute>();
        var children = new List<XObject>();
        foreach (var node in nodes)
        {
            switch (node)
            {
                case XAttribute attribute:
                    attributes.RemoveAll(a => a.Name == attribute.Name);
                    attributes.Add(attribute);
                    break;
                case XText text when text is not XCData && children.Count > 0 && children[^1] is XText last && last is not XCData:
                    children[^1] = new XText(last.Value + text.Value);
                    break;
                case XElement element:
                    children.Add(WithInheritedNamespaces(element));
                    break;
                default:
                    children.Add(node);
                    break;
            }
        }

        var sb = new StringBuilder();
        var level = 0;
        WriteElement(sb, "nodes", attributes, children, format: true, ref level, inDocument: false);
        return sb.ToString();
    }

    /// <summary>
    /// libxml2's way of dropping whitespace at parse time with <c>xmlKeepBlanksDefault(0)</c>: a blank text
    /// node goes unless it is its element's only content, sits in mixed content (the element starts with
    /// text), or is under <c>xml:space="preserve"</c>.
    /// </summary>
    public static void RemoveBlanks(XDocument doc)
    {
        // Between the top-level nodes there is no text node at all.
        doc.Nodes().OfType<XText>().ToList().ForEach(t => t.Remove());
        var blanks = doc.Root!.DescendantNodes().OfType<XText>()
            .Where(t => t is not XCData && string.IsNullOrWhiteSpace(t.Value) && IsIgnorable(t))
            .ToList();
        foreach (var blank in blanks)
        {
            blank.Remove();
        }
    }

    /// <summary>A copy of <paramref name="element"/> that declares, after its own declarations, each prefix it or its subtree uses from an ancestor's declaration, in order of first use.</summary>
    private static XElement WithInheritedNamespaces(XElement element)
    {
        var copy = new XElement(element);
        var declared = new HashSet<string>(element.Attributes().Where(a => a.IsNamespaceDeclaration).Select(a => a.Name.Namespace == XNamespace.None ? "" : a.Name.LocalName), StringComparer.Ordinal);
        foreach (var e in element.DescendantsAndSelf())
        {
            foreach (var ns in e.Attributes().Where(a => a.IsNamespaceDeclaration && !ReferenceEquals(e, element)))
            {
                declared.Add(ns.Name.Namespace == XNamespace.None ? "" : ns.Name.LocalName);
            }

            var used = new[] { (e.Name.Namespace, Owner: e) }
                .Concat(e.Attributes().Where(a => !a.IsNamespaceDeclaration && a.Name.Namespace != XNamespace.None && a.Name.Namespace != XNamespace.Xml).Select(a => (a.Name.Namespace, Owner: e)));
            foreach (var (ns, owner) in used)
            {
                if (ns == XNamespace.None)
                {
                    continue;
                }

                var prefix = owner.GetPrefixOfNamespace(ns) ?? "";
                if (declared.Add(prefix))
                {
                    copy.Add(prefix.Length == 0 ? new XAttribute("xmlns", ns.NamespaceName) : new XAttribute(XNamespace.Xmlns + prefix, ns.NamespaceName));
                }
            }
        }

        return copy;
    }

    private static bool IsIgnorable(XText text)
    {
        var parent = text.Parent;
        if (parent is null || parent.Nodes().Count() == 1)
        {
            return false;
        }

        if (parent.Nodes().First() is XText first && first is not XCData && !string.IsNullOrWhiteSpace(first.Value))
        {
            return false;
        }

        var space = text.Ancestors().Select(a => (string?)a.Attribute(XNamespace.Xml + "space")).FirstOrDefault(v => v is not null);
        return space != "preserve";
    }

    private static void Write(StringBuilder sb, XObject node, bool format, ref int level, bool inDocument)
    {
        switch (node)
        {
            case XDocument doc:
                // xmlDocContentDumpOutput: the declaration, each top-level node at level 0 and a newline.
                sb.Append(Declaration);
                foreach (var child in doc.Nodes())
                {
                    level = 0;
                    Write(sb, child, format: true, ref level, inDocument);
                    sb.Append('\n');
                }

                break;
            case XElement element:
                WriteElement(sb, element, format, ref level, inDocument);
                break;
            case XAttribute attribute:
                WriteAttribute(sb, attribute, inDocument);
                break;
            case XCData cdata:
                sb.Append("<![CDATA[").Append(cdata.Value).Append("]]>");
                break;
            case XText text:
                EscapeText(sb, text.Value);
                break;
            case XComment comment:
                sb.Append("<!--").Append(comment.Value).Append("-->");
                break;
            case XProcessingInstruction pi:
                sb.Append("<?").Append(pi.Target);
                if (pi.Data.Length > 0)
                {
                    sb.Append(' ').Append(pi.Data);
                }

                sb.Append("?>");
                break;
        }
    }

    private static void WriteElement(StringBuilder sb, XElement element, bool format, ref int level, bool inDocument) =>
        WriteElement(sb, QualifiedName(element), element.Attributes().ToList(), element.Nodes().ToList<XObject>(), format, ref level, inDocument);

    private static void WriteElement(StringBuilder sb, string name, List<XAttribute> attributes, List<XObject> children,
        bool format, ref int level, bool inDocument)
    {
        sb.Append('<').Append(name);
        foreach (var attribute in attributes.Where(a => a.IsNamespaceDeclaration).Concat(attributes.Where(a => !a.IsNamespaceDeclaration)))
        {
            WriteAttribute(sb, attribute, inDocument);
        }

        if (children.Count == 0)
        {
            sb.Append("/>");
            return;
        }

        // Mixed content is written as it is, for this element and everything inside it.
        var childFormat = format && !children.Any(n => n is XText);
        sb.Append('>');
        if (childFormat)
        {
            sb.Append('\n');
        }

        level++;
        foreach (var child in children)
        {
            if (childFormat && child is XElement or XComment or XProcessingInstruction)
            {
                sb.Append(' ', 2 * Math.Min(level, MaxIndentLevels));
            }

            Write(sb, child, childFormat, ref level, inDocument);
            if (childFormat)
            {
                sb.Append('\n');
            }
        }

        // A document child (only --wrap of "/" makes one) leaves libxml2's level at 0.
        if (level > 0)
        {
            level--;
        }

        if (childFormat)
        {
            sb.Append(' ', 2 * Math.Min(level, MaxIndentLevels));
        }

        sb.Append("</").Append(name).Append('>');
    }

    private static void WriteAttribute(StringBuilder sb, XAttribute attribute, bool inDocument)
    {
        sb.Append(' ').Append(QualifiedName(attribute)).Append("=\"");
        foreach (var rune in attribute.Value.EnumerateRunes())
        {
            _ = rune.Value switch
            {
                '<' => sb.Append("&lt;"),
                '>' => sb.Append("&gt;"),
                '&' => sb.Append("&amp;"),
                '"' => sb.Append("&quot;"),
                '\n' => sb.Append("&#10;"),
                '\r' => sb.Append("&#13;"),
                '\t' => sb.Append("&#9;"),
                >= 0x80 when !inDocument => sb.Append("&#x").Append(rune.Value.ToString("X", System.Globalization.CultureInfo.InvariantCulture)).Append(';'),
                _ => sb.Append(rune.ToString()),
            };
        }

        sb.Append('"');
    }

    private static void EscapeText(StringBuilder sb, string text)
    {
        foreach (var c in text)
        {
            _ = c switch
            {
                '<' => sb.Append("&lt;"),
                '>' => sb.Append("&gt;"),
                '&' => sb.Append("&amp;"),
                '\r' => sb.Append("&#13;"),
                _ => sb.Append(c),
            };
        }
    }

    private static string QualifiedName(XElement element)
    {
        var prefix = element.Name.Namespace == XNamespace.None ? null : element.GetPrefixOfNamespace(element.Name.Namespace);
        return string.IsNullOrEmpty(prefix) ? element.Name.LocalName : prefix + ":" + element.Name.LocalName;
    }

    private static string QualifiedName(XAttribute attribute)
    {
        if (attribute.IsNamespaceDeclaration)
        {
            return attribute.Name.Namespace == XNamespace.None ? "xmlns" : "xmlns:" + attribute.Name.LocalName;
        }

        if (attribute.Name.Namespace == XNamespace.Xml)
        {
            return "xml:" + attribute.Name.LocalName;
        }

        var prefix = attribute.Name.Namespace == XNamespace.None ? null : attribute.Parent?.GetPrefixOfNamespace(attribute.Name.Namespace);
        return string.IsNullOrEmpty(prefix) ? attribute.Name.LocalName : prefix + ":" + attribute.Name.LocalName;
    }
}
