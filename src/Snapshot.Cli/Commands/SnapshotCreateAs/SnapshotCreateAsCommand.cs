using System.CommandLine;
using Snapshot.Cli.Common;
using Snapshot.Cli.Output;
using Snapshot.Engine;
using P = Snapshot.Cli.Commands.SnapshotCreateAs.SnapshotCreateAsCommandParser;

namespace Snapshot.Cli.Commands.SnapshotCreateAs;

/// <summary>snapshot-create-as: a snapshot from typed arguments (or its XML with --print-xml).</summary>
internal sealed class SnapshotCreateAsCommand(ParseResult parseResult, GlobalOptions globals)
    : CliCommand(parseResult, globals, "snapshot-create-as")
{
    protected override async Task<int> RunAsync(CommandContext ctx, CancellationToken ct)
    {
        var (values, diskSpecs) = P.Operands.Resolve(ParseResult);
        var domain = Require(values["domain"], "domain");
        var modifiers = P.Modifiers.Read(ParseResult) with { Instant = ParseResult.GetValue(P.Instant) };
        var memSpec = ParseResult.GetValue(P.MemSpec);

        using var engine = ctx.Connect();
        var options = new SnapshotCreateOptions
        {
            Name = values["name"],
            Description = values["description"],
            Memory = memSpec is null ? null : MemorySpec.Parse(memSpec),
            Disks = diskSpecs.ConvertAll(s => DiskSpec.Parse(s)),
            Modifiers = modifiers,
        };

        if (ParseResult.GetValue(P.PrintXml))
        {
            var xml = SnapshotEngine.BuildXml(options);
            ctx.WriteJson(new XmlJson(options.Name, xml), CliJsonContext.Default.XmlJson);
            ctx.Print(xml + "\n");
            return ExitCodes.Success;
        }

        var created = await CreateRunner.RunAsync(ctx, (progress, onPoint) => engine.DomainFromOperand(domain).CreateAsync(options with { OnSnapshotPoint = onPoint }, progress, ct));
        ctx.WriteJson(SnapshotJson.From(created), CliJsonContext.Default.SnapshotJson);
        ctx.PrintExtra($"Domain snapshot {created.Name} created");
        return ExitCodes.Success;
    }
}
