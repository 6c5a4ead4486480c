using System.CommandLine;
using Snapshot.Cli.Common;

namespace Snapshot.Cli.Commands.SnapshotInfo;

/// <summary>snapshot-info's symbols and wiring.</summary>
internal static class SnapshotInfoCommandParser
{
    public static readonly Operand Domain = Operand.Domain();
    public static readonly Operand SnapshotName = Operand.SnapshotName();
    public static readonly Option<bool> Current = new("--current") { Description = "info on current snapshot" };
    public static readonly Operands Operands = new([Domain, SnapshotName]);

    public static Command GetCommand(GlobalOptions globals)
    {
        return CommandDeclaration.Create("snapshot-info", "snapshot information", Operands, p => new SnapshotInfoCommand(p, globals), Current);
    }
}
