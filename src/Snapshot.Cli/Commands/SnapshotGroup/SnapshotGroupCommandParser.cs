using System.CommandLine;
using Snapshot.Cli.Common;

namespace Snapshot.Cli.Commands.SnapshotGroup;

/// <summary>The snapshot-group-* commands' symbols and wiring (virt-snap's own: virsh has no group snapshots).</summary>
internal static class SnapshotGroupCommandParser
{
    public static readonly Operand Group = new("group", "group name");
    public static readonly Option<string[]> DomainOption = new("--domain") { Description = "a member: domain name, id or uuid (repeatable)", HelpName = "string" };
    public static readonly Argument<string[]> Domains = new("domain") { Description = "the members: domain name, id or uuid", Arity = ArgumentArity.ZeroOrMore };
    public static readonly Option<bool> Instant = new("--instant") { Description = "one instant for every member: each paused for milliseconds (required)" };
    public static readonly Option<string?> Dir = new("--dir") { Description = "where the memory files and overlays go (DIR/<domain>.<group>...)", HelpName = "string" };
    public static readonly Option<string?> Description = new("--description") { Description = "description of each member snapshot", HelpName = "string" };
    public static readonly Option<bool> Name = new("--name") { Description = "list group names only" };
    public static readonly Option<bool> Running = new("--running") { Description = "after reverting, change state to running" };
    public static readonly Option<bool> Paused = new("--paused") { Description = "after reverting, leave every member paused" };

    public static readonly Operands CreateOperands = new([Group], DomainOption, Domains);
    public static readonly Operands GroupOperand = new([Group]);

    public static IEnumerable<Command> GetCommands(GlobalOptions globals)
    {
        yield return CommandDeclaration.Create("snapshot-group-create", "Snapshot several domains at one instant (virt-snap)", CreateOperands,
            p => new SnapshotGroupCreateCommand(p, globals), Instant, Dir, Description);
        yield return CommandDeclaration.Create("snapshot-group-list", "List the group snapshots of the connection (virt-snap)", null,
            p => new SnapshotGroupListCommand(p, globals), Name);
        yield return CommandDeclaration.Create("snapshot-group-info", "Show a group snapshot: its members and their pauses (virt-snap)", GroupOperand,
            p => new SnapshotGroupInfoCommand(p, globals));
        yield return CommandDeclaration.Create("snapshot-group-revert", "Revert every member of a group snapshot, resumed together (virt-snap)", GroupOperand,
            p => new SnapshotGroupRevertCommand(p, globals), Running, Paused);
        yield return CommandDeclaration.Create("snapshot-group-delete", "Delete a group snapshot: each member's snapshot and the group (virt-snap)", GroupOperand,
            p => new SnapshotGroupDeleteCommand(p, globals));
    }
}
