using System.CommandLine;
using Snapshot.Cli.Common;
using Snapshot.Cli.Output;
using P = Snapshot.Cli.Commands.SnapshotCreate.SnapshotCreateCommandParser;

namespace Snapshot.Cli.Commands.SnapshotCreate;

/// <summary>snapshot-create: a snapshot from an XML file (or an empty <c>&lt;domainsnapshot/&gt;</c>).</summary>
internal sealed class SnapshotCreateCommand(ParseResult parseResult, GlobalOptions globals)
    : CliCommand(parseResult, globals)
{
    protected override async Task<int> RunAsync(CommandContext ctx, CancellationToken ct)
    {
        var (domain, values, _) = Resolve(P.Operands);
        var file = values["xmlfile"];
        var modifiers = P.Modifiers.Read(ParseResult) with
        {
            Redefine = ParseResult.GetValue(P.Redefine),
            Current = ParseResult.GetValue(P.Current),
        };

        var xml = file is null ? "<domainsnapshot/>" : ReadXml(file);
        using var engine = ctx.Connect();
        var created = await CreateRunner.RunAsync(ctx, (progress, _) => engine.DomainFromOperand(domain).CreateFromXmlAsync(xml, modifiers, progress, ct));

        ctx.WriteJson(SnapshotJson.From(created), CliJsonContext.Default.SnapshotJson);
        ctx.PrintExtra(file is null ? $"Domain snapshot {created.Name} created" : $"Domain snapshot {created.Name} created from '{file}'");
        return ExitCodes.Success;
    }

    /// <summary>The file's text, in virsh's words when it cannot be read; never a text that is not UTF-8.</summary>
    private static string ReadXml(string file)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // .NET calls a directory "access denied"; virsh, which got as far as reading it, "Is a directory".
            if (Directory.Exists(file))
            {
                throw CliErrors.Usage($"Failed to read file '{file}': Is a directory");
            }

            var reason = e switch
            {
                FileNotFoundException or DirectoryNotFoundException => "No such file or directory",
                UnauthorizedAccessException => "Permission denied",
                _ => e.Message,
            };
            throw CliErrors.Usage($"Failed to open file '{file}': {reason}");
        }

        return Utf8Input.DecodeFile(file, bytes);
    }
}
