using System.CommandLine;
using Snapshot.Engine;
using System.Globalization;
using System.Text;
using Snapshot.Cli.Common;
using Snapshot.Cli.Output;
using P = Snapshot.Cli.Commands.SnapshotInfo.SnapshotInfoCommandParser;

namespace Snapshot.Cli.Commands.SnapshotInfo;

/// <summary>snapshot-info: virsh's <c>%-15s %s</c> lines.</summary>
internal sealed class SnapshotInfoCommand(ParseResult parseResult, GlobalOptions globals)
    : CliCommand(parseResult, globals)
{
    protected override async Task<int> RunAsync(CommandContext ctx, CancellationToken ct)
    {
        var target = ResolveTarget(P.Operands, P.Current);
        var domain = target.Domain;

        using var engine = ctx.Connect(readOnly: true);
        var name = await target.ResolveAsync(engine, ct);
        var details = await engine.DomainFromOperand(domain).GetDetailsAsync(name, ct);
        var s = details.Snapshot;

        ctx.WriteJson(new SnapshotInfoJson(SnapshotJson.From(s), details.Children, details.Descendants, details.HasMetadata, details.HasBranchTip), CliJsonContext.Default.SnapshotInfoJson);

        var sb = new StringBuilder();
        Line(sb, "Name:", s.Name);
        Line(sb, "Domain:", s.Domain);
        Line(sb, "Current:", VirshFormat.YesNo(s.IsCurrent));
        Line(sb, "State:", s.State.ToLibvirtWord());
        Line(sb, "Location:", VirshFormat.Location(s.Location));
        Line(sb, "Parent:", s.Parent ?? "-");
        Line(sb, "Children:", details.Children.ToString(CultureInfo.InvariantCulture));
        Line(sb, "Descendants:", details.Descendants.ToString(CultureInfo.InvariantCulture));
        Line(sb, "Metadata:", VirshFormat.YesNo(details.HasMetadata));
        // virt-snap's own line, after virsh's: the second revert point of an external snapshot (snapshot-revert --branch-tip).
        if (details.HasBranchTip is { } tip)
            Line(sb, "Branch tip:", VirshFormat.YesNo(tip));
        ctx.Print(sb.ToString());
        await ctx.WarnIfInterruptedAsync(engine.DomainFromOperand(domain), ct);
        return ExitCodes.Success;
    }

    private static void Line(StringBuilder sb, string label, string value) => sb.Append(label.PadRight(15)).Append(' ').Append(value).Append('\n');
}
