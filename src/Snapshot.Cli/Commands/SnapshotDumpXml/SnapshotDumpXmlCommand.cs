using System.CommandLine;
using Snapshot.Cli.Common;
using Snapshot.Cli.Output;
using P = Snapshot.Cli.Commands.SnapshotDumpXml.SnapshotDumpXmlCommandParser;

namespace Snapshot.Cli.Commands.SnapshotDumpXml;

/// <summary>snapshot-dumpxml: libvirt's XML as it is.</summary>
internal sealed class SnapshotDumpXmlCommand(ParseResult parseResult, GlobalOptions globals)
    : CliCommand(parseResult, globals, "snapshot-dumpxml")
{
    protected override Task<int> RunAsync(CommandContext ctx, CancellationToken ct)
    {
        var (values, _) = P.Operands.Resolve(ParseResult);
        var domain = Require(values["domain"], "domain");
        var name = Require(values["snapshotname"], "snapshotname");

        using var engine = ctx.Connect(readOnly: !ParseResult.GetValue(P.SecurityInfo));
        var xml = engine.GetXml(domain, name, ParseResult.GetValue(P.SecurityInfo));
        ctx.WriteJson(new XmlJson(name, xml), CliJsonContext.Default.XmlJson);
        ctx.Print(xml);
        return Task.FromResult(ExitCodes.Success);
    }
}
