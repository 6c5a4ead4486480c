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

    /// <param name="parseResult">The command line; its command (declared once, in <see cref="CommandDeclaration"/>) names the errors and the JSON envelope.</param>
    protected CliCommand(ParseResult parseResult, GlobalOptions globals)
    {
        _parseResult = parseResult;
        _globals = globals;
        _name = parseResult.CommandResult.Command.Name;
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

    /// <summary>
    /// The operands' values and trailing words (virsh's usage errors for what they cannot take), with the
    /// <paramref name="required"/> one checked given, as virsh checks it first.
    /// </summary>
    protected (string Required, Dictionary<string, string?> Values, List<string> Trailing) Resolve(Operands operands, string required = "domain")
    {
        var (values, trailing) = operands.Resolve(_parseResult);
        return (Require(values[required], required), values, trailing);
    }

    /// <summary>The "DOMAIN {SNAPSHOT | --current}" operands, checked before connecting (usage errors never wait for libvirt).</summary>
    protected SnapshotTarget ResolveTarget(Operands operands, Option<bool> current)
    {
        var (domain, values, _) = Resolve(operands);
        var target = new SnapshotTarget(domain, values["snapshotname"], _parseResult.GetValue(current));
        SnapshotLookup.Check(target.Name, target.Current, "snapshotname", exclusive: true);
        return target;
    }

    /// <summary>virsh's required data option check, raised at parse time.</summary>
    protected string Require(string? value, string operand) =>
        value ?? throw new ParseUsageException($"command '{_name}' requires <{operand}> option");
}
