using System.CommandLine;
using Snapshot.Cli.Common;

namespace Snapshot.Cli.Commands.SnapshotParent;

/// <summary>snapshot-parent's symbols and wiring.</summary>
internal static class SnapshotParentCommandParser
{
    public static readonly Operand Domain = Operand.Domain();
    public static readonly Operand SnapshotName = Operand.SnapshotName("find parent of snapshot name");
    public static readonly Option<bool> Current = new("--current") { Description = "find parent of current snapshot" };
    public static readonly Operands Operands = new([Domain, SnapshotName]);

    public static Command GetCommand(GlobalOptions globals)
    {
        return CommandDeclaration.Create("snapshot-parent", "Get the name of the parent of a snapshot", Operands, p => new SnapshotParentCommand(p, globals), Current);
    }
}
