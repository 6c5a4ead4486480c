using System.CommandLine;
using Snapshot.Cli.Common;

namespace Snapshot.Cli.Commands.SnapshotRevert;

/// <summary>snapshot-revert's symbols and wiring.</summary>
internal static class SnapshotRevertCommandParser
{
    public static readonly Operand Domain = Operand.Domain();
    public static readonly Operand SnapshotName = Operand.SnapshotName();
    public static readonly Option<bool> Current = new("--current") { Description = "revert to current snapshot" };
    public static readonly Option<bool> Running = new("--running") { Description = "after reverting, change state to running" };
    public static readonly Option<bool> Paused = new("--paused") { Description = "after reverting, change state to paused" };
    public static readonly Option<bool> Force = new("--force") { Description = "try harder on risky reverts" };
    public static readonly Option<bool> ResetNvram = new("--reset-nvram") { Description = "re-initialize NVRAM from its pristine template" };
    public static readonly Option<bool> DiscardDescendants = new("--discard-descendants")
    {
        Description = "delete the snapshot's descendants and the files only they use (virt-snap)",
    };

    public static readonly Option<string?> KeepCurrent = new("--keep-current")
    {
        Description = "first take a snapshot of the current state, named NEWNAME or pre-revert-<UTC time> (virt-snap)",
        HelpName = "NEWNAME",
        Arity = ArgumentArity.ZeroOrOne,
    };

    public static readonly Option<bool> BranchTip = new("--branch-tip")
    {
        Description = "revert to the latest disk state of the snapshot's branch instead of its own instant (virt-snap)",
    };

    public static readonly Option<bool> DiscardCurrent = new("--discard-current")
    {
        Description = "delete the revert layer the domain leaves instead of keeping it as a branch tip (virt-snap)",
    };

    public static readonly Operands Operands = new([Domain, SnapshotName]);

    public static Command GetCommand(GlobalOptions globals)
    {
        return CommandDeclaration.Create("snapshot-revert", "Revert a domain to a snapshot", Operands, p => new SnapshotRevertCommand(p, globals),
            Current, Running, Paused, Force, ResetNvram, DiscardDescendants, KeepCurrent, BranchTip, DiscardCurrent);
    }
}
