using System.CommandLine;
using Snapshot.Cli.Common;

namespace Snapshot.Cli.Commands.SnapshotRecover;

/// <summary>snapshot-recover's symbols and wiring (virt-snap's own command: virsh has none).</summary>
internal static class SnapshotRecoverCommandParser
{
    public static readonly Operand Domain = Operand.Domain();
    public static readonly Operands Operands = new([Domain]);

    public static Command GetCommand(GlobalOptions globals)
    {
        return CommandDeclaration.Create("snapshot-recover", "Finish or undo a snapshot operation that a killed virt-snap left half done", Operands,
            p => new SnapshotRecoverCommand(p, globals));
    }
}
