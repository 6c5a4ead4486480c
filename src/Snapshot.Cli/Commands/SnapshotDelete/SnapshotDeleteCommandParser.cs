using System.CommandLine;
using Snapshot.Cli.Common;

namespace Snapshot.Cli.Commands.SnapshotDelete;

/// <summary>snapshot-delete's symbols and wiring.</summary>
internal static class SnapshotDeleteCommandParser
{
    public static readonly Operand Domain = Operand.Domain();
    public static readonly Operand SnapshotName = Operand.SnapshotName();
    public static readonly Option<bool> Current = new("--current") { Description = "delete current snapshot" };
    public static readonly Option<bool> Children = new("--children") { Description = "delete snapshot and all children" };
    public static readonly Option<bool> ChildrenOnly = new("--children-only") { Description = "delete children but not snapshot" };
    public static readonly Option<bool> Metadata = new("--metadata") { Description = "delete only libvirt metadata, leaving snapshot contents behind" };
    public static readonly Operands Operands = new([Domain, SnapshotName]);

    public static Command GetCommand(GlobalOptions globals)
    {
        return CommandDeclaration.Create("snapshot-delete", "Delete a domain snapshot", Operands, p => new SnapshotDeleteCommand(p, globals),
            Current, Children, ChildrenOnly, Metadata);
    }
}
