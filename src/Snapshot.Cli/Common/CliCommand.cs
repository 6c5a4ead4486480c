using System.CommandLine;

namespace Snapshot.Cli.Common;

/// <summary>
/// The base of every command's work: runs it, maps failures to exit codes, and ends like virsh
/// (which prints a newline after every command it ran, unless quiet).
/// </summary>
internal abstract class CliCommand
{
    private readonly ParseResult _parseResult;
    private readonly GlobalOptions _globals;
    private readonly string _name;

    protected CliCommand(ParseResult parseResult, GlobalOptions globals, string name)
    {
        _parseResult = parseResult;
        _globals = globals;
        _name = name;
    }

    protected ParseResult ParseResult => _parseResult;

    public async Task<int> ExecuteAsync(CancellationToken ct)
    {
        using var ctx = new CommandContext(_parseResult, _globals, _name);
        var trailingNewline = true;
        int exitCode;
        try
        {
            exitCode = await RunAsync(ctx, ct);
        }
        catch (ParseUsageException e)
        {
            trailingNewline = false;
            exitCode = ctx.ReportError(e);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            exitCode = ctx.ReportError(e);
        }

        if (trailingNewline)
        {
            ctx.PrintExtra("\n");
        }

        await ctx.Out.FlushAsync(CancellationToken.None);
        return exitCode;
    }

    protected abstract Task<int> RunAsync(CommandContext ctx, CancellationToken ct);

    /// <summary>A string option's value; an empty one is refused as virsh refuses it.</summary>
    protected string? GetText(Option<string?> option) =>
        CliErrors.ThrowIfEmpty(_parseResult.GetValue(option), option.Name.TrimStart('-'));

    /// <summary>virsh's required data option check, raised at parse time.</summary>
    protected string Require(string? value, string operand) =>
        value ?? throw new ParseUsageException($"command '{_name}' requires <{operand}> option");
}
