using System.CommandLine;
using Snapshot.Cli.Common;
using Snapshot.Cli.Output;
using P = Snapshot.Cli.Commands.SnapshotParent.SnapshotParentCommandParser;

namespace Snapshot.Cli.Commands.SnapshotParent;

/// <summary>snapshot-parent: the parent's name (exit 3 when there is none).</summary>
internal sealed class SnapshotParentCommand(ParseResult parseResult, GlobalOptions globals)
    : CliCommand(parseResult, globals, "snapshot-parent")
{
    protected override Task<int> RunAsync(CommandContext ctx, CancellationToken ct)
    {
        var (values, _) = P.Operands.Resolve(ParseResult);
        var domain = Require(values["domain"], "domain");
        var current = ParseResult.GetValue(P.Current);
        SnapshotLookup.Check(values["snapshotname"], current, "snapshotname", exclusive: true);

        using var engine = ctx.Connect(readOnly: true);
        var name = SnapshotLookup.Resolve(engine, domain, values["snapshotname"], current, "snapshotname", exclusive: true);
        var parent = engine.GetParent(domain, name) ?? throw CliErrors.NotFound($"snapshot '{name}' has no parent");
        ctx.WriteJson(new NameJson(parent.Name), CliJsonContext.Default.NameJson);
        ctx.Print(parent.Name);
        return Task.FromResult(ExitCodes.Success);
    }
}
