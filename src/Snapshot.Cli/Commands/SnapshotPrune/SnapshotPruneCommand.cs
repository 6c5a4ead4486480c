using System.CommandLine;
using System.Globalization;
using Snapshot.Cli.Common;
using Snapshot.Cli.Output;
using Snapshot.Engine;
using P = Snapshot.Cli.Commands.SnapshotPrune.SnapshotPruneCommandParser;

namespace Snapshot.Cli.Commands.SnapshotPrune;

/// <summary>snapshot-prune: retention through the engine's delete; one line per snapshot deleted (or that would be).</summary>
internal sealed class SnapshotPruneCommand(ParseResult parseResult, GlobalOptions globals)
    : CliCommand(parseResult, globals)
{
    protected override async Task<int> RunAsync(CommandContext ctx, CancellationToken ct)
    {
        var domain = Resolve(P.Operands).Required;
        var keep = CliErrors.ThrowIfEmpty(ParseResult.GetValue(P.Keep), "keep");
        var olderThan = CliErrors.ThrowIfEmpty(ParseResult.GetValue(P.OlderThan), "older-than");
        CliErrors.ThrowIfBoth(keep is not null, "keep", olderThan is not null, "older-than");
        if (keep is null && olderThan is null)
            throw CliErrors.Usage("snapshot-prune needs --keep N or --older-than DURATION");
        var options = new SnapshotPruneOptions
        {
            Keep = keep is null ? null : ParseCount(keep),
            OlderThan = olderThan is null ? null : ParseDuration(olderThan),
            IncludeCurrent = ParseResult.GetValue(P.IncludeCurrent),
            DryRun = ParseResult.GetValue(P.DryRun),
        };

        using var engine = ctx.Connect();
        var chosen = await engine.DomainFromOperand(domain).PruneAsync(options, ct);
        ctx.WriteJson(new PrunedJson(options.DryRun, chosen.Select(SnapshotJson.From).ToList(), chosen.BytesMerged), CliJsonContext.Default.PrunedJson);
        var verb = options.DryRun ? "would be deleted" : "deleted";
        ctx.PrintExtra(chosen.Count == 0
            ? $"Domain '{domain}' has no snapshot to prune\n"
            : string.Concat(chosen.Select(s => $"Domain snapshot {s.Name} {verb}\n")));
        return ExitCodes.Success;
    }

    private static int ParseCount(string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            ? n
            : throw CliErrors.Usage($"Numeric value '{text}' for <keep> option is malformed or out of range");

    /// <summary>A whole number and one unit: s, m, h, d (24 h) or w (7 d), at most TimeSpan's range.</summary>
    internal static TimeSpan ParseDuration(string text)
    {
        var seconds = text.Length > 1 ? text[^1] switch
        {
            's' => 1L,
            'm' => 60L,
            'h' => 3600L,
            'd' => 86400L,
            'w' => 604800L,
            _ => 0L,
        } : 0L;
        if (seconds > 0 && long.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            && n <= TimeSpan.MaxValue.TotalSeconds / seconds)
            return TimeSpan.FromSeconds(n * seconds);
        throw CliErrors.Usage($"invalid duration '{text}' for --older-than: a whole number and a unit, s, m, h, d or w (e.g. 30m, 12h, 7d)");
    }
}
