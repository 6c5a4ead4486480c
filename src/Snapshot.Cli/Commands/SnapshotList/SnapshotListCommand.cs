using System.CommandLine;
using Snapshot.Cli.Common;
using Snapshot.Cli.Output;
using Snapshot.Engine;
using P = Snapshot.Cli.Commands.SnapshotList.SnapshotListCommandParser;

namespace Snapshot.Cli.Commands.SnapshotList;

/// <summary>snapshot-list: the engine's list, shown as virsh's table, names or tree.</summary>
internal sealed class SnapshotListCommand(ParseResult parseResult, GlobalOptions globals)
    : CliCommand(parseResult, globals)
{
    protected override async Task<int> RunAsync(CommandContext ctx, CancellationToken ct)
    {
        var (domain, values, _) = Resolve(P.Operands);
        var from = values["from"];
        bool Has(Option<bool> o) => ParseResult.GetValue(o);
        var tree = Has(P.Tree);
        var names = Has(P.Name);
        var parent = Has(P.Parent);
        var roots = Has(P.Roots);
        var current = Has(P.Current);
        var topological = Has(P.Topological);

        // virsh's checks, in virsh's order.
        CliErrors.ThrowIfBoth(tree, "tree", names, "name");
        CliErrors.ThrowIfBoth(parent, "parent", roots, "roots");
        CliErrors.ThrowIfBoth(parent, "parent", tree, "tree");
        CliErrors.ThrowIfBoth(roots, "roots", tree, "tree");
        CliErrors.ThrowIfBoth(roots, "roots", from is not null, "from");
        CliErrors.ThrowIfBoth(roots, "roots", current, "current");
        foreach (var (option, name) in new[] { (P.Leaves, "leaves"), (P.NoLeaves, "no-leaves"), (P.Inactive, "inactive"), (P.Active, "active"), (P.DiskOnly, "disk-only"), (P.Internal, "internal"), (P.External, "external") })
        {
            if (tree && Has(option))
            {
                throw CliErrors.Usage($"--{name} and --tree are mutually exclusive");
            }
        }

        var descendants = Has(P.Descendants);
        if (descendants && from is null && !current)
        {
            throw CliErrors.Usage("--descendants requires either --from or --current");
        }

        if (from is not null || current)
        {
            SnapshotLookup.Check(from, current, "from", exclusive: true);
        }

        var filter = new SnapshotListFilter
        {
            Roots = roots,
            Leaves = Has(P.Leaves),
            NoLeaves = Has(P.NoLeaves),
            Metadata = Has(P.Metadata),
            NoMetadata = Has(P.NoMetadata),
            Inactive = Has(P.Inactive),
            Active = Has(P.Active),
            DiskOnly = Has(P.DiskOnly),
            Internal = Has(P.Internal),
            External = Has(P.External),
            Topological = topological,
            From = from,
            FromCurrent = current,
            Descendants = descendants,
        };

        using var engine = ctx.Connect(readOnly: true);
        await ctx.WarnIfInterruptedAsync(engine.DomainFromOperand(domain), ct);
        if (tree && !ctx.Json)
        {
            // A tree needs names and parents only: no XML description per snapshot.
            var links = await engine.DomainFromOperand(domain).ListLinksAsync(filter, ct);
            return await PrintTreeAsync(ctx, engine, domain, from, current, topological,
                (topological ? links.ToList() : VirshFormat.SortByName(links)).ConvertAll(l => (l.Name, l.Parent)), ct);
        }

        var listed = await engine.DomainFromOperand(domain).ListAsync(filter, ct);
        var snapshots = topological ? listed.ToList() : VirshFormat.SortByName(listed);

        if (ctx.Json)
        {
            ctx.WriteJson(snapshots.ConvertAll(SnapshotJson.From), CliJsonContext.Default.ListSnapshotJson);
            return ExitCodes.Success;
        }

        if (tree)
        {
            return await PrintTreeAsync(ctx, engine, domain, from, current, topological, snapshots.ConvertAll(s => (s.Name, s.Parent)), ct);
        }

        if (names)
        {
            foreach (var s in snapshots)
            {
                ctx.Print(s.Name + "\n");
            }

            return ExitCodes.Success;
        }

        var table = parent
            ? new VirshTable("Name", "Creation Time", "State", "Parent")
            : new VirshTable("Name", "Creation Time", "State");
        foreach (var s in snapshots)
        {
            var time = VirshFormat.CreationTime(s.CreationTimeUnix);
            if (parent)
            {
                table.AddRow(s.Name, time, s.State.ToLibvirtWord(), s.Parent ?? "");
            }
            else
            {
                table.AddRow(s.Name, time, s.State.ToLibvirtWord());
            }
        }

        ctx.Print(table.Render(header: !ctx.Quiet));
        return ExitCodes.Success;
    }

    private static async Task<int> PrintTreeAsync(CommandContext ctx, SnapshotEngine engine, string domain, string? from, bool current, bool topological,
        List<(string Name, string? Parent)> items, CancellationToken ct)
    {
        // With --from (or --current), the starting snapshot heads the tree.
        if (from is not null || current)
        {
            var start = from ?? await SnapshotLookup.CurrentNameAsync(engine, domain, ct);
            items.Add((start, null));
            if (!topological)
            {
                var sorted = items.Select((item, i) => (item, i)).ToList();
                sorted.Sort((a, b) => VirshFormat.CompareNames(a.item.Name, b.item.Name) is var c && c != 0 ? c : a.i - b.i);
                items = sorted.ConvertAll(p => p.item);
            }
        }

        ctx.Print(output => VirshTree.Write(output, items));
        return ExitCodes.Success;
    }
}
