using System.CommandLine;
using Snapshot.Cli.Common;

namespace Snapshot.Cli.Commands.Version;

/// <summary>version's symbols and wiring.</summary>
internal static class VersionCommandParser
{
    public static readonly Option<bool> Daemon = new("--daemon") { Description = "report daemon version too" };

    public static Command GetCommand(GlobalOptions globals)
    {
        var command = new Command("version", "show version");
        command.Options.Add(Daemon);
        command.SetAction((parseResult, ct) => new VersionCommand(parseResult, globals).ExecuteAsync(ct));
        return command;
    }
}
