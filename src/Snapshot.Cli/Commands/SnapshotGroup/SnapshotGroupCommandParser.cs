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
        var create = new Command("snapshot-group-create", "Snapshot several domains at one instant (virt-snap)");
        CreateOperands.AddTo(create);
        create.Options.Add(Instant);
        create.Options.Add(Dir);
        create.Options.Add(Description);
        create.SetAction((parseResult, ct) => new SnapshotGroupCreateCommand(parseResult, globals).ExecuteAsync(ct));
        yield return create;

        var list = new Command("snapshot-group-list", "List the group snapshots of the connection (virt-snap)");
        list.Options.Add(Name);
        list.SetAction((parseResult, ct) => new SnapshotGroupListCommand(parseResult, globals).ExecuteAsync(ct));
        yield return list;

        var info = new Command("snapshot-group-info", "Show a group snapshot: its members and their pauses (virt-snap)");
        GroupOperand.AddTo(info);
        info.SetAction((parseResult, ct) => new SnapshotGroupInfoCommand(parseResult, globals).ExecuteAsync(ct));
        yield return info;

        var revert = new Command("snapshot-group-revert", "Revert every member of a group snapshot, resumed together (virt-snap)");
        GroupOperand.AddTo(revert);
        revert.Options.Add(Running);
        revert.Options.Add(Paused);
        revert.SetAction((parseResult, ct) => new SnapshotGroupRevertCommand(parseResult, globals).ExecuteAsync(ct));
        yield return revert;

        var delete = new Command("snapshot-group-delete", "Delete a group snapshot: each member's snapshot and the group (virt-snap)");
        GroupOperand.AddTo(delete);
        delete.SetAction((parseResult, ct) => new SnapshotGroupDeleteCommand(parseResult, globals).ExecuteAsync(ct));
        yield return delete;
    }
}
