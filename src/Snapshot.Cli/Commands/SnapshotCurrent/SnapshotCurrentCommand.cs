using System.CommandLine;
using Snapshot.Cli.Common;
using Snapshot.Cli.Output;
using P = Snapshot.Cli.Commands.SnapshotCurrent.SnapshotCurrentCommandParser;

namespace Snapshot.Cli.Commands.SnapshotCurrent;

/// <summary>snapshot-current: show the current snapshot (XML or name), or make one current.</summary>
internal sealed class SnapshotCurrentCommand(ParseResult parseResult, GlobalOptions globals)
    : CliCommand(parseResult, globals)
{
    protected override async Task<int> RunAsync(CommandContext ctx, CancellationToken ct)
    {
        var (domain, values, _) = Resolve(P.Operands);
        var setName = values["snapshotname"];
        var nameOnly = ParseResult.GetValue(P.Name);
        var secure = ParseResult.GetValue(P.SecurityInfo);
        CliErrors.ThrowIfBoth(nameOnly, "name", setName is not null, "snapshotname");

        using var engine = ctx.Connect(readOnly: setName is null && !secure);
        if (setName is not null)
        {
            var made = await engine.DomainFromOperand(domain).SetCurrentAsync(setName, ct);
            ctx.WriteJson(SnapshotJson.From(made), CliJsonContext.Default.SnapshotJson);
            ctx.PrintExtra($"Snapshot {setName} set as current");
            return ExitCodes.Success;
        }

        if (nameOnly)
        {
            var current = await engine.DomainFromOperand(domain).GetCurrentAsync(ct) ?? throw CliErrors.NotFound($"domain '{domain}' has no current snapshot");
            ctx.WriteJson(new NameJson(current.Name), CliJsonContext.Default.NameJson);
            ctx.Print(current.Name);
            return ExitCodes.Success;
        }

        var xml = await engine.DomainFromOperand(domain).GetCurrentXmlAsync(secure, ct) ?? throw CliErrors.NotFound($"domain '{domain}' has no current snapshot");
        ctx.WriteJson(new XmlJson(ctx.Json ? (await engine.DomainFromOperand(domain).GetCurrentAsync(ct))?.Name : null, xml), CliJsonContext.Default.XmlJson);
        ctx.Print(xml);
        return ExitCodes.Success;
    }
}
