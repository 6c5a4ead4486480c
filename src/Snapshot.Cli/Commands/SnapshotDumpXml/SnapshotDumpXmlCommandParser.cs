using System.CommandLine;
using Snapshot.Cli.Common;

namespace Snapshot.Cli.Commands.SnapshotDumpXml;

/// <summary>snapshot-dumpxml's symbols and wiring.</summary>
internal static class SnapshotDumpXmlCommandParser
{
    public static readonly Operand Domain = Operand.Domain();
    public static readonly Operand SnapshotName = Operand.SnapshotName();
    public static readonly Option<bool> SecurityInfo = new("--security-info") { Description = "include security sensitive information in XML dump" };
    public static readonly Option<string?> XPath = new("--xpath") { Description = "xpath expression to filter the XML document", HelpName = "string" };
    public static readonly Option<bool> Wrap = new("--wrap") { Description = "wrap xpath results in an common root element" };
    public static readonly Operands Operands = new([Domain, SnapshotName]);

    public static Command GetCommand(GlobalOptions globals)
    {
        return CommandDeclaration.Create("snapshot-dumpxml", "Dump XML for a domain snapshot", Operands, p => new SnapshotDumpXmlCommand(p, globals),
            SecurityInfo, XPath, Wrap);
    }
}
