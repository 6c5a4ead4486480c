using System.CommandLine;
using Snapshot.Cli.Common;
using Snapshot.Cli.Output;
using Snapshot.Engine;
using P = Snapshot.Cli.Commands.SnapshotCreateAs.SnapshotCreateAsCommandParser;

namespace Snapshot.Cli.Commands.SnapshotCreateAs;

/// <summary>snapshot-create-as: a snapshot from typed arguments (or its XML with --print-xml).</summary>
internal sealed class SnapshotCreateAsCommand(ParseResult parseResult, GlobalOptions globals)
    : CliCommand(parseResult, globals)
{
    protected override async Task<int> RunAsync(CommandContext ctx, CancellationToken ct)
    {
        var (domain, values, diskSpecs) = Resolve(P.Operands);
        var modifiers = P.Modifiers.Read(ParseResult) with { Instant = ParseResult.GetValue(P.Instant) };
        var memSpec = GetText(P.MemSpec);

        // Everything is parsed before connecting: a bad spec is bad input whatever the URI.
        var options = new SnapshotCreateOptions
        {
            Name = XmlText(values["name"], "name"),
            Description = XmlText(values["description"], "description"),
            Memory = memSpec is null ? null : MemorySpec.Parse(XmlText(memSpec, "memspec")!),
            Disks = diskSpecs.ConvertAll(d => DiskSpec.Parse(XmlText(d, "diskspec")!)),
            Modifiers = modifiers,
        };

        using var engine = ctx.Connect();
        if (ParseResult.GetValue(P.PrintXml))
        {
            // virsh looks the domain up first: the XML of a snapshot of no domain is an error.
            _ = await engine.DomainFromOperand(domain).GetCurrentAsync(ct);
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

    /// <summary>
    /// Text that goes into the snapshot's XML must be characters XML 1.0 can hold: libvirt refuses the
    /// others after the fact, and virsh's --print-xml drops some and prints the rest raw.
    /// </summary>
    private static string? XmlText(string? text, string option)
    {
        foreach (var c in text ?? "")
        {
            if (c < 0x20 && c is not ('\t' or '\n' or '\r') || c is '\uFFFE' or '\uFFFF')
            {
                throw CliErrors.Usage($"--{option} '{VirshFormat.EscapeControls(text!)}' holds U+{(int)c:X4}, which XML cannot carry");
            }
        }

        return text;
    }
}
