using System.CommandLine;
using Snapshot.Cli.Common;
using Snapshot.Cli.Output;
using Snapshot.Engine;
using P = Snapshot.Cli.Commands.SnapshotDelete.SnapshotDeleteCommandParser;

namespace Snapshot.Cli.Commands.SnapshotDelete;

/// <summary>snapshot-delete.</summary>
internal sealed class SnapshotDeleteCommand(ParseResult parseResult, GlobalOptions globals)
    : CliCommand(parseResult, globals)
{
    protected override async Task<int> RunAsync(CommandContext ctx, CancellationToken ct)
    {
        var target = ResolveTarget(P.Operands, P.Current);
        var domain = target.Domain;
        var children = ParseResult.GetValue(P.Children);
        var childrenOnly = ParseResult.GetValue(P.ChildrenOnly);
        if (children && childrenOnly)
        {
            // libvirt's own wording for the two flags.
            throw CliErrors.Usage("Flags 'VIR_DOMAIN_SNAPSHOT_DELETE_CHILDREN' and 'VIR_DOMAIN_SNAPSHOT_DELETE_CHILDREN_ONLY' are mutually exclusive");
        }

        var mode = children ? SnapshotDeleteMode.Children : childrenOnly ? SnapshotDeleteMode.ChildrenOnly : SnapshotDeleteMode.Snapshot;
        var options = new SnapshotDeleteOptions(mode, ParseResult.GetValue(P.Metadata));

        using var engine = ctx.Connect();
        var name = await target.ResolveAsync(engine, ct);
        var result = await engine.DomainFromOperand(domain).DeleteAsync(name, options, ct);

        ctx.WriteJson(new DeletedJson(name, ModeName(mode), options.MetadataOnly, result.Deleted, result.BytesMerged), CliJsonContext.Default.DeletedJson);
        ctx.PrintExtra(mode == SnapshotDeleteMode.ChildrenOnly
            ? $"Domain snapshot {name} children deleted\n"
            : $"Domain snapshot {name} deleted\n");
        return ExitCodes.Success;
    }

    private static string ModeName(SnapshotDeleteMode mode) => mode switch
    {
        SnapshotDeleteMode.Children => "children",
        SnapshotDeleteMode.ChildrenOnly => "children-only",
        _ => "snapshot",
    };
}
