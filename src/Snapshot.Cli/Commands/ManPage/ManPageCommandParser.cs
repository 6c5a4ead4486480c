using System.CommandLine;

namespace Snapshot.Cli.Commands.ManPage;

/// <summary>
/// manpage: the hidden command native/package-deb.sh runs to write virt-snap(1). The page is made from the same
/// command tree as <c>--help</c>, so the two cannot drift (tests/Snapshot.Cli.Tests checks both against docs/cli.md).
/// </summary>
internal static class ManPageCommandParser
{
    public static Command GetCommand()
    {
        var command = new Command("manpage", "write virt-snap(1) in roff to stdout") { Hidden = true };
        command.SetAction(parseResult =>
        {
            parseResult.InvocationConfiguration.Output.Write(ManPage.Render(Cli.RootCommand));
            return 0;
        });
        return command;
    }
}
