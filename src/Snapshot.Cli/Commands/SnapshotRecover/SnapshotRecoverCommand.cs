using System.CommandLine;
using System.Globalization;
using Snapshot.Cli.Common;
using Snapshot.Cli.Output;
using Snapshot.Engine;
using P = Snapshot.Cli.Commands.SnapshotRecover.SnapshotRecoverCommandParser;

namespace Snapshot.Cli.Commands.SnapshotRecover;

/// <summary>snapshot-recover: recovers the domain's interrupted operation, and says whether it rolled it back or forward.</summary>
internal sealed class SnapshotRecoverCommand(ParseResult parseResult, GlobalOptions globals)
    : CliCommand(parseResult, globals)
{
    protected override async Task<int> RunAsync(CommandContext ctx, CancellationToken ct)
    {
        var domain = Resolve(P.Operands).Required;

        using var engine = ctx.Connect();
        var result = await engine.DomainFromOperand(domain).RecoverAsync(ct);
        ctx.WriteJson(RecoveryJson.From(result), CliJsonContext.Default.RecoveryJson);
        ctx.Print(Describe(domain, result) + "\n");
        return ExitCodes.Success;
    }

    /// <summary>One line: what was interrupted and what recovery made of it, then what it did and left.</summary>
    internal static string Describe(string domain, RecoveryResult result)
    {
        if (result.Interrupted is not { } op)
            return $"Domain '{domain}' has no interrupted operation";
        var since = op.StartedAt.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);
        var line = $"Interrupted {op.Operation} of domain '{op.Domain}' (pid {op.ProcessId}, since {since}, at {op.LastStep ?? "its start"}) {RecoveryJson.Word(result.Outcome).Replace('-', ' ')}";
        if (result.Done.Count > 0)
            line += $"; done: {string.Join("; ", result.Done)}";
        if (result.Left.Count > 0)
            line += $"; left: {string.Join("; ", result.Left)}";
        return line;
    }
}
