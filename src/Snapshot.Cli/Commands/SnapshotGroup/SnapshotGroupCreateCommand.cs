using System.CommandLine;
using Snapshot.Cli.Common;
using Snapshot.Cli.Output;
using Snapshot.Engine;
using P = Snapshot.Cli.Commands.SnapshotGroup.SnapshotGroupCommandParser;

namespace Snapshot.Cli.Commands.SnapshotGroup;

/// <summary>snapshot-group-create GROUP DOMAIN... --instant [--dir DIR] [--description TEXT].</summary>
internal sealed class SnapshotGroupCreateCommand(ParseResult parseResult, GlobalOptions globals)
    : CliCommand(parseResult, globals)
{
    protected override async Task<int> RunAsync(CommandContext ctx, CancellationToken ct)
    {
        var (group, _, domains) = Resolve(P.CreateOperands, "group");
        if (domains.Count == 0)
        {
            throw new ParseUsageException("command 'snapshot-group-create' requires <domain> option");
        }

        if (!ParseResult.GetValue(P.Instant))
        {
            // Only instant group snapshots exist: a classic one would pause each member for its whole memory write.
            throw CliErrors.Usage("snapshot-group-create needs --instant: a group is a cut at one instant, which only instant snapshots take");
        }

        var options = new SnapshotGroupCreateOptions
        {
            Name = group,
            Domains = domains,
            Directory = GetText(P.Dir),
            Description = GetText(P.Description),
        };

        using var engine = ctx.Connect();
        var created = await engine.CreateGroupAsync(options, ct);
        ctx.WriteJson(GroupJson.From(created), CliJsonContext.Default.GroupJson);
        ctx.PrintExtra(GroupText.Created(created));
        return ExitCodes.Success;
    }
}
