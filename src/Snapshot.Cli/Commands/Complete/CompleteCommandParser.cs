using System.CommandLine;
using Snapshot.Cli.Common;

namespace Snapshot.Cli.Commands.Complete;

/// <summary>
/// complete: the hidden command the bash completion (native/virt-snap.bash-completion) runs, as virsh's does:
/// <c>virt-snap [-c URI] complete -- WORD...</c> prints the candidates for the last word, one a line.
/// </summary>
internal static class CompleteCommandParser
{
    public static readonly Argument<string[]> Words = new("words") { Arity = ArgumentArity.ZeroOrMore };

    public static Command GetCommand(GlobalOptions globals)
    {
        var command = new Command("complete", "complete a command line (for shell completion)") { Hidden = true };
        command.Arguments.Add(Words);
        command.SetAction(parseResult => CompleteCommand.Run(parseResult, globals));
        return command;
    }
}
