using System.CommandLine;
using Snapshot.Cli.Common;
using Snapshot.Cli.Output;
using P = Snapshot.Cli.Commands.SnapshotParent.SnapshotParentCommandParser;

namespace Snapshot.Cli.Commands.SnapshotParent;

/// <summary>snapshot-parent: the parent's name (exit 3 when there is none).</summary>
internal sealed class SnapshotParentCommand(ParseResult parseResult, GlobalOptions globals)
    : CliCommand(parseResult, globals)
{
    protected override async Task<int> RunAsync(CommandContext ctx, CancellationToken ct)
    {
        var target = ResolveTarget(P.Operands, P.Current);
        var domain = target.Domain;

        using var engine = ctx.Connect(readOnly: true);
        var name = await target.ResolveAsync(engine, ct);
        var parent = await engine.DomainFromOperand(domain).GetParentAsync(name, ct) ?? throw CliErrors.NotFound($"snapshot '{name}' has no parent");
        ctx.WriteJson(new NameJson(parent.Name), CliJsonContext.Default.NameJson);
        ctx.Print(parent.Name);
        return ExitCodes.Success;
    }
}
