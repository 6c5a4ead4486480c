using System.CommandLine;
using Snapshot.Cli.Common;

namespace Snapshot.Cli.Commands.SnapshotList;

/// <summary>snapshot-list's symbols and wiring.</summary>
internal static class SnapshotListCommandParser
{
    public static readonly Operand Domain = Operand.Domain();
    public static readonly Operand From = new("from", "limit list to children of given snapshot");

    public static readonly Option<bool> Parent = Flag("--parent", "add a column showing parent snapshot");
    public static readonly Option<bool> Roots = Flag("--roots", "list only snapshots without parents");
    public static readonly Option<bool> Leaves = Flag("--leaves", "list only snapshots without children");
    public static readonly Option<bool> NoLeaves = Flag("--no-leaves", "list only snapshots that are not leaves (with children)");
    public static readonly Option<bool> Metadata = Flag("--metadata", "list only snapshots that have metadata that would prevent undefine");
    public static readonly Option<bool> NoMetadata = Flag("--no-metadata", "list only snapshots that have no metadata managed by libvirt");
    public static readonly Option<bool> Inactive = Flag("--inactive", "filter by snapshots taken while inactive");
    public static readonly Option<bool> Active = Flag("--active", "filter by snapshots taken while active (full system snapshots)");
    public static readonly Option<bool> DiskOnly = Flag("--disk-only", "filter by disk-only snapshots");
    public static readonly Option<bool> Internal = Flag("--internal", "filter by internal snapshots");
    public static readonly Option<bool> External = Flag("--external", "filter by external snapshots");
    public static readonly Option<bool> Tree = Flag("--tree", "list snapshots in a tree");
    public static readonly Option<bool> Current = Flag("--current", "limit list to children of current snapshot");
    public static readonly Option<bool> Descendants = Flag("--descendants", "with --from, list all descendants");
    public static readonly Option<bool> Name = Flag("--name", "list snapshot names only");
    public static readonly Option<bool> Topological = Flag("--topological", "sort list topologically rather than by name");

    public static readonly Operands Operands = new([Domain, From]);

    public static Command GetCommand(GlobalOptions globals)
    {
        return CommandDeclaration.Create("snapshot-list", "List snapshots for a domain", Operands, p => new SnapshotListCommand(p, globals),
            Parent, Roots, Leaves, NoLeaves, Metadata, NoMetadata, Inactive, Active, DiskOnly, Internal, External, Tree, Current, Descendants, Name, Topological);
    }

    internal static Option<bool> Flag(string name, string description) => new(name) { Description = description };
}
