using System.CommandLine;
using Snapshot.Cli.Common;

namespace Snapshot.Cli.Commands.SnapshotCurrent;

/// <summary>snapshot-current's symbols and wiring.</summary>
internal static class SnapshotCurrentCommandParser
{
    public static readonly Operand Domain = Operand.Domain();
    public static readonly Operand SnapshotName = Operand.SnapshotName("name of existing snapshot to make current");
    public static readonly Option<bool> Name = new("--name") { Description = "list the name, rather than the full xml" };
    public static readonly Option<bool> SecurityInfo = new("--security-info") { Description = "include security sensitive information in XML dump" };
    public static readonly Operands Operands = new([Domain, SnapshotName]);

    public static Command GetCommand(GlobalOptions globals)
    {
        return CommandDeclaration.Create("snapshot-current", "Get or set the current snapshot", Operands, p => new SnapshotCurrentCommand(p, globals),
            Name, SecurityInfo);
    }
}
