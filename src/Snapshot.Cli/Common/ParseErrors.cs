using System.CommandLine;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;

namespace Snapshot.Cli.Common;

/// <summary>A command line that does not parse, in virsh's words (System.CommandLine's name the wrong thing).</summary>
internal static class ParseErrors
{
    /// <summary>What is wrong with the command line, or null when it parsed.</summary>
    public static string? Describe(ParseResult parseResult)
    {
        if (MissingValue(parseResult) is { } option)
        {
            return option.Name == "--connect"
                ? "option '-c'/'--connect' requires an argument"
                : $"expected syntax: {option.Name} <{option.HelpName ?? "string"}>";
        }

        if (parseResult.Action is not ParseErrorAction)
        {
            return null;
        }

        var command = parseResult.CommandResult.Command;
        var unmatched = parseResult.UnmatchedTokens.Count > 0 ? parseResult.UnmatchedTokens[0] : null;
        if (unmatched is null)
        {
            return parseResult.Errors[0].Message;
        }

        var isOption = unmatched.StartsWith('-');
        if (command is RootCommand)
        {
            return isOption ? $"unsupported option '{unmatched}'. See --help." : $"unknown command: '{unmatched}'";
        }

        return isOption ? $"command '{command.Name}' doesn't support option {unmatched}" : $"unexpected data '{unmatched}'";
    }

    /// <summary>
    /// The first option given without the value it needs (<c>-c</c> at the end of the line). System.CommandLine
    /// lets it pass when the option was given a value earlier (<c>-c URI snapshot-list vm -c</c>).
    /// </summary>
    private static Option? MissingValue(ParseResult parseResult)
    {
        var tokens = parseResult.Tokens;
        for (var i = 0; i < tokens.Count; i++)
        {
            if (tokens[i].Type == TokenType.Option
                && Named(parseResult.CommandResult.Command, tokens[i].Value) is { Arity.MinimumNumberOfValues: > 0 } option
                && (i + 1 == tokens.Count || tokens[i + 1].Type != TokenType.Argument))
            {
                return option;
            }
        }

        return null;
    }

    /// <summary>The command's option by that name or alias, or a recursive one of the root's.</summary>
    private static Option? Named(Command command, string name)
    {
        static bool Is(Option o, string name) => o.Name == name || o.Aliases.Contains(name);
        return command.Options.FirstOrDefault(o => Is(o, name))
            ?? Cli.RootCommand.Options.FirstOrDefault(o => o.Recursive && Is(o, name));
    }
}
