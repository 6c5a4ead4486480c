using System.CommandLine;
using Snapshot.Cli.Common;
using Snapshot.Cli.Output;
using P = Snapshot.Cli.Commands.SnapshotDumpXml.SnapshotDumpXmlCommandParser;

namespace Snapshot.Cli.Commands.SnapshotDumpXml;

/// <summary>snapshot-dumpxml: libvirt's XML as it is, or the nodes an <c>--xpath</c> selects.</summary>
internal sealed class SnapshotDumpXmlCommand(ParseResult parseResult, GlobalOptions globals)
    : CliCommand(parseResult, globals)
{
    protected override async Task<int> RunAsync(CommandContext ctx, CancellationToken ct)
    {
        var (domain, values, _) = Resolve(P.Operands);
        var name = Require(values["snapshotname"], "snapshotname");
        var xpathText = GetText(P.XPath);
        var xpath = xpathText is null ? null : VirshXPath.Compile(xpathText);

        using var engine = ctx.Connect(readOnly: !ParseResult.GetValue(P.SecurityInfo));
        var xml = await engine.DomainFromOperand(domain).GetXmlAsync(name, ParseResult.GetValue(P.SecurityInfo), ct);
        if (xpath is not null)
        {
            // As virsh, --wrap means nothing without --xpath.
            var wrap = ParseResult.GetValue(P.Wrap);
            var nodes = VirshXPath.Select(xml, xpath);
            ctx.WriteJson(
                new XPathJson(name, xpath.Expression, nodes.ConvertAll(n => LibxmlDump.Dump(n)), wrap ? LibxmlDump.DumpWrapped(nodes) : null),
                CliJsonContext.Default.XPathJson);
            ctx.Print(VirshXPath.Format(nodes, wrap));
            return ExitCodes.Success;
        }

        ctx.WriteJson(new XmlJson(name, xml), CliJsonContext.Default.XmlJson);
        ctx.Print(xml);
        return ExitCodes.Success;
    }
}
