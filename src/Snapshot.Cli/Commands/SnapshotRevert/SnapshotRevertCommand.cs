using System.CommandLine;
using Snapshot.Cli.Common;
using Snapshot.Cli.Output;
using Snapshot.Engine;
using P = Snapshot.Cli.Commands.SnapshotRevert.SnapshotRevertCommandParser;

namespace Snapshot.Cli.Commands.SnapshotRevert;

/// <summary>snapshot-revert.</summary>
internal sealed class SnapshotRevertCommand(ParseResult parseResult, GlobalOptions globals)
    : CliCommand(parseResult, globals)
{
    protected override async Task<int> RunAsync(CommandContext ctx, CancellationToken ct)
    {
        var (domain, name, _) = ResolveTarget(P.Operands, P.Current);
        var running = ParseResult.GetValue(P.Running);
        var paused = ParseResult.GetValue(P.Paused);
        if (running && paused)
        {
            // libvirt's own wording for the two flags.
            throw CliErrors.Usage("Flags 'VIR_DOMAIN_SNAPSHOT_REVERT_RUNNING' and 'VIR_DOMAIN_SNAPSHOT_REVERT_PAUSED' are mutually exclusive");
        }

        var options = new SnapshotRevertOptions
        {
            Target = running ? RevertTarget.Running : paused ? RevertTarget.Paused : RevertTarget.AsSnapshot,
            Force = ParseResult.GetValue(P.Force),
            ResetNvram = ParseResult.GetValue(P.ResetNvram),
            DiscardDescendants = ParseResult.GetValue(P.DiscardDescendants),
            BranchTip = ParseResult.GetValue(P.BranchTip),
            DiscardCurrent = ParseResult.GetValue(P.DiscardCurrent),
        };

        var keep = ParseResult.GetResult(P.KeepCurrent) is not null;
        var keptName = ParseResult.GetValue(P.KeepCurrent);
        using var engine = ctx.Connect();
        var target = engine.DomainFromOperand(domain);
        if (keep)
        {
            var done = await target.RevertKeepingCurrentAsync(name, keptName, options, ct);
            ctx.WriteJson(new KeptRevertJson(SnapshotJson.From(done.Reverted), SnapshotJson.From(done.Kept)), CliJsonContext.Default.KeptRevertJson);
            ctx.PrintExtra($"Domain snapshot {done.Kept.Name} created from the current state\n{Reverted(done.Reverted.Name, options)}");
            return ExitCodes.Success;
        }
        var reverted = await (name is null ? target.RevertToCurrentAsync(options, ct) : target.RevertAsync(name, options, ct));
        ctx.WriteJson(SnapshotJson.From(reverted), CliJsonContext.Default.SnapshotJson);
        ctx.PrintExtra(Reverted(reverted.Name, options));
        return ExitCodes.Success;
    }

    private static string Reverted(string name, SnapshotRevertOptions options) => !options.BranchTip
        ? $"Domain snapshot {name} reverted\n"
        : options.Target == RevertTarget.AsSnapshot
            ? $"Domain snapshot {name} reverted to its branch tip (shut off)\n"
            : $"Domain snapshot {name} reverted to its branch tip, booted afresh: there is no memory for that point\n";
}
