using System.CommandLine;

namespace Snapshot.Cli.Common;

/// <summary>
/// The one way a command is declared: its operands first (named, then positional, as virsh takes them), then
/// its own options in the order help and completion list them, and a <see cref="CliCommand"/> that runs it.
/// </summary>
internal static class CommandDeclaration
{
    public static Command Create(string name, string description, Operands? operands, Func<ParseResult, CliCommand> run, params Option[] options)
    {
        var command = new Command(name, description);
        operands?.AddTo(command);
        foreach (var option in options)
        {
            command.Options.Add(option);
        }

        command.SetAction((parseResult, ct) => run(parseResult).ExecuteAsync(ct));
        return command;
    }
}
