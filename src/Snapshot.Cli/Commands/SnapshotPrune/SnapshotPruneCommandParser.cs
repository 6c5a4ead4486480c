using System.CommandLine;
using Snapshot.Cli.Common;

namespace Snapshot.Cli.Commands.SnapshotPrune;

/// <summary>snapshot-prune's symbols and wiring (virt-snap's own command: virsh has none).</summary>
internal static class SnapshotPruneCommandParser
{
    public static readonly Operand Domain = Operand.Domain();
    public static readonly Option<string?> Keep = new("--keep") { Description = "keep the newest N snapshots, delete the others", HelpName = "number" };
    public static readonly Option<string?> OlderThan = new("--older-than")
    {
        Description = "delete the snapshots older than DURATION (a number and s, m, h, d or w: 30m, 12h, 7d)",
        HelpName = "string",
    };
    public static readonly Option<bool> IncludeCurrent = new("--include-current") { Description = "the current snapshot may go too (kept by default)" };
    public static readonly Option<bool> DryRun = new("--dry-run") { Description = "list what would be deleted, change nothing" };
    public static readonly Operands Operands = new([Domain]);

    public static Command GetCommand(GlobalOptions globals)
    {
        return CommandDeclaration.Create("snapshot-prune", "Delete a domain's oldest snapshots: all but the newest N, or those older than a duration", Operands,
            p => new SnapshotPruneCommand(p, globals), Keep, OlderThan, IncludeCurrent, DryRun);
    }
}
