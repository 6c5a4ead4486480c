using System.CommandLine;
using Snapshot.Cli.Common;
using Snapshot.Cli.Output;
using Snapshot.Engine;
using P = Snapshot.Cli.Commands.SnapshotGroup.SnapshotGroupCommandParser;

namespace Snapshot.Cli.Commands.SnapshotGroup;

/// <summary>snapshot-group-list.</summary>
internal sealed class SnapshotGroupListCommand(ParseResult parseResult, GlobalOptions globals)
    : CliCommand(parseResult, globals)
{
    protected override async Task<int> RunAsync(CommandContext ctx, CancellationToken ct)
    {
        using var engine = ctx.Connect(readOnly: true);
        var groups = await engine.ListGroupsAsync(ct);
        ctx.WriteJson(groups.Select(GroupJson.From).ToList(), CliJsonContext.Default.ListGroupJson);
        ctx.Print(ParseResult.GetValue(P.Name) ? string.Concat(groups.Select(g => g.Name + "\n")) : GroupText.List(groups, header: !ctx.Quiet));
        return ExitCodes.Success;
    }
}

/// <summary>snapshot-group-info GROUP.</summary>
internal sealed class SnapshotGroupInfoCommand(ParseResult parseResult, GlobalOptions globals)
    : CliCommand(parseResult, globals)
{
    protected override async Task<int> RunAsync(CommandContext ctx, CancellationToken ct)
    {
        var name = Resolve(P.GroupOperand, "group").Required;
        using var engine = ctx.Connect(readOnly: true);
        var group = await engine.GetGroupAsync(name, ct);
        ctx.WriteJson(GroupJson.From(group), CliJsonContext.Default.GroupJson);
        ctx.Print(GroupText.Info(group));
        return ExitCodes.Success;
    }
}

/// <summary>snapshot-group-revert GROUP [--running | --paused].</summary>
internal sealed class SnapshotGroupRevertCommand(ParseResult parseResult, GlobalOptions globals)
    : CliCommand(parseResult, globals)
{
    protected override async Task<int> RunAsync(CommandContext ctx, CancellationToken ct)
    {
        var name = Resolve(P.GroupOperand, "group").Required;
        var running = ParseResult.GetValue(P.Running);
        var paused = ParseResult.GetValue(P.Paused);
        if (running && paused)
        {
            // libvirt's own wording for the two flags, as snapshot-revert says it.
            throw CliErrors.Usage("Flags 'VIR_DOMAIN_SNAPSHOT_REVERT_RUNNING' and 'VIR_DOMAIN_SNAPSHOT_REVERT_PAUSED' are mutually exclusive");
        }

        using var engine = ctx.Connect();
        var result = await engine.RevertGroupAsync(name, paused ? RevertTarget.Paused : running ? RevertTarget.Running : RevertTarget.AsSnapshot, ct);
        ctx.WriteJson(GroupRevertJson.From(result), CliJsonContext.Default.GroupRevertJson);
        ctx.PrintExtra(GroupText.Reverted(result));
        return ExitCodes.Success;
    }
}

/// <summary>snapshot-group-delete GROUP.</summary>
internal sealed class SnapshotGroupDeleteCommand(ParseResult parseResult, GlobalOptions globals)
    : CliCommand(parseResult, globals)
{
    protected override async Task<int> RunAsync(CommandContext ctx, CancellationToken ct)
    {
        var name = Resolve(P.GroupOperand, "group").Required;
        using var engine = ctx.Connect();
        await engine.DeleteGroupAsync(name, ct);
        ctx.WriteJson(new NameJson(name), CliJsonContext.Default.NameJson);
        ctx.PrintExtra($"Group snapshot {name} deleted\n");
        return ExitCodes.Success;
    }
}
