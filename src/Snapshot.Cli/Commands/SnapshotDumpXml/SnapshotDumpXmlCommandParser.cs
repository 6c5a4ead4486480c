using System.CommandLine;
using Snapshot.Cli.Common;

namespace Snapshot.Cli.Commands.SnapshotDumpXml;

/// <summary>snapshot-dumpxml's symbols and wiring.</summary>
internal static class SnapshotDumpXmlCommandParser
{
    public static readonly Operand Domain = new("domain", "domain name, id or uuid");
    public static readonly Operand SnapshotName = new("snapshotname", "snapshot name");
    public static readonly Option<bool> SecurityInfo = new("--security-info") { Description = "include security sensitive information in XML dump" };
    public static readonly Option<string?> XPath = new("--xpath") { Description = "xpath expression to filter the XML document", HelpName = "string" };
    public static readonly Option<bool> Wrap = new("--wrap") { Description = "wrap xpath results in an common root element" };
    public static readonly Operands Operands = new([Domain, SnapshotName]);

    public static Command GetCommand(GlobalOptions globals)
    {
        var command = new Command("snapshot-dumpxml", "Dump XML for a domain snapshot");
        Operands.AddTo(command);
        command.Options.Add(SecurityInfo);
        command.Options.Add(XPath);
        command.Options.Add(Wrap);
        command.SetAction((parseResult, ct) => new SnapshotDumpXmlCommand(parseResult, globals).ExecuteAsync(ct));
        return command;
    }
}
