using System.CommandLine;
using Snapshot.Cli.Common;

namespace Snapshot.Cli.Commands.Version;

/// <summary>version's symbols and wiring.</summary>
internal static class VersionCommandParser
{
    public static readonly Option<bool> Daemon = new("--daemon") { Description = "report daemon version too" };

    public static Command GetCommand(GlobalOptions globals)
    {
        return CommandDeclaration.Create("version", "show version", null, p => new VersionCommand(p, globals), Daemon);
    }
}
