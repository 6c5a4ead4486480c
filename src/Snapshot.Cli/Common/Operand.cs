using System.CommandLine;
using System.CommandLine.Parsing;

namespace Snapshot.Cli.Common;

/// <summary>
/// A virsh data option: given either as <c>--name value</c> or positionally (virsh's
/// <c>[--domain] &lt;string&gt;</c>). Positional words fill, in declaration order, the operands the
/// command line did not name, as virsh does.
/// </summary>
internal sealed class Operand
{
    public Operand(string name, string description)
    {
        Name = name;
        Option = new Option<string?>("--" + name) { Description = description, HelpName = "string" };
        Argument = new Argument<string?>(name) { Description = description, Arity = ArgumentArity.ZeroOrOne };
    }

    /// <summary>virsh's <c>[--domain] &lt;string&gt;</c>, as every snapshot command words it.</summary>
    public static Operand Domain() => new("domain", "domain name, id or uuid");

    /// <summary>virsh's <c>[--snapshotname] &lt;string&gt;</c>; some commands word its help their own way.</summary>
    public static Operand SnapshotName(string description = "snapshot name") => new("snapshotname", description);

    public string Name { get; }

    public Option<string?> Option { get; }

    public Argument<string?> Argument { get; }
}

/// <summary>Declares operands on a command and resolves them after parsing.</summary>
internal sealed class Operands
{
    private readonly Operand[] _operands;
    private readonly Option<string[]>? _restOption;
    private readonly Argument<string[]>? _restArgument;

    /// <param name="operands">virsh's data options in declaration order.</param>
    /// <param name="restOption">A trailing repeatable option that also takes the remaining positional words (virsh's ARGV type).</param>
    /// <param name="restArgument">The positional side of <paramref name="restOption"/>.</param>
    public Operands(Operand[] operands, Option<string[]>? restOption = null, Argument<string[]>? restArgument = null)
    {
        _operands = operands;
        _restOption = restOption;
        _restArgument = restArgument;
    }

    public void AddTo(Command command)
    {
        foreach (var operand in _operands)
        {
            command.Options.Add(operand.Option);
        }

        if (_restOption is not null)
        {
            command.Options.Add(_restOption);
        }

        foreach (var operand in _operands)
        {
            command.Arguments.Add(operand.Argument);
        }

        if (_restArgument is not null)
        {
            command.Arguments.Add(_restArgument);
        }
    }

    /// <summary>The value of each operand by name, and the repeated trailing values in command-line order.</summary>
    public (Dictionary<string, string?> Values, List<string> Trailing) Resolve(ParseResult parseResult)
    {
        var positional = new Queue<Token>();
        foreach (var operand in _operands)
        {
            foreach (var token in parseResult.GetResult(operand.Argument)?.Tokens ?? [])
            {
                positional.Enqueue(token);
            }
        }

        if (_restArgument is not null)
        {
            foreach (var token in parseResult.GetResult(_restArgument)?.Tokens ?? [])
            {
                positional.Enqueue(token);
            }
        }

        var values = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var operand in _operands)
        {
            var named = parseResult.GetResult(operand.Option) is { Implicit: false } ? parseResult.GetValue(operand.Option) : null;
            values[operand.Name] = named ?? (positional.Count > 0 ? positional.Dequeue().Value : null);
        }

        foreach (var operand in _operands)
        {
            CliErrors.ThrowIfEmpty(values[operand.Name], operand.Name);
        }

        if (_restOption is null)
        {
            return positional.Count > 0
                ? throw new ParseUsageException($"unexpected data '{positional.Peek().Value}'")
                : (values, []);
        }

        // virsh keeps --diskspec values and trailing words in the order they were typed.
        var trailing = (parseResult.GetResult(_restOption)?.Tokens ?? []).Concat(positional).ToList();
        var order = parseResult.Tokens;
        int Position(Token t)
        {
            for (var i = 0; i < order.Count; i++)
            {
                if (ReferenceEquals(order[i], t))
                {
                    return i;
                }
            }

            return int.MaxValue;
        }

        return (values, trailing.OrderBy(Position).Select(t => t.Value).ToList());
    }
}
