using System.CommandLine;
using Snapshot.Cli.Common;
using Snapshot.Engine;

namespace Snapshot.Cli.Commands.Complete;

/// <summary>complete: candidates for the word under the cursor, from the parser and, for names, the connected libvirt.</summary>
internal static class CompleteCommand
{
    public static int Run(ParseResult parseResult, GlobalOptions globals)
    {
        var root = Cli.RootCommand;
        var request = CompletionRequest.Parse(root, parseResult.GetValue(CompleteCommandParser.Words) ?? []);
        var output = parseResult.InvocationConfiguration.Output;
        foreach (var candidate in Candidates(request, root, parseResult, globals).Where(c => c.StartsWith(request.Prefix, StringComparison.Ordinal)))
        {
            output.Write(candidate);
            output.Write('\n');
        }

        return ExitCodes.Success;
    }

    private static IEnumerable<string> Candidates(CompletionRequest request, RootCommand root, ParseResult parseResult, GlobalOptions globals)
    {
        switch (request.Kind)
        {
            case CompletionKind.Command:
                return root.Subcommands.Where(c => !c.Hidden).Select(c => c.Name);
            case CompletionKind.Option:
                return request.OptionNames(root);
            case CompletionKind.Domain:
                return Names(parseResult, globals, engine => engine.ListDomainNamesAsync().GetAwaiter().GetResult());
            case CompletionKind.Snapshot when request.Domain is { } domain:
                return Names(parseResult, globals, engine => engine.DomainFromOperand(domain).ListLinksAsync().GetAwaiter().GetResult()
                    .Select(l => l.Name).Order(StringComparer.Ordinal).ToList());
            default:
                return [];
        }
    }

    /// <summary>Names read from libvirt, read-only; none when it cannot answer (a shell completion must not print errors).</summary>
    private static IReadOnlyList<string> Names(ParseResult parseResult, GlobalOptions globals, Func<SnapshotEngine, IReadOnlyList<string>> read)
    {
        using var ctx = new CommandContext(parseResult, globals, "complete");
        try
        {
            using var engine = ctx.Connect(readOnly: true);
            return read(engine);
        }
        catch (SnapshotException)
        {
            return [];
        }
    }
}
