using System.CommandLine;
using Snapshot.Cli.Common;

namespace Snapshot.Cli.Commands.SnapshotParent;

/// <summary>snapshot-parent's symbols and wiring.</summary>
internal static class SnapshotParentCommandParser
{
    public static readonly Operand Domain = new("domain", "domain name, id or uuid");
    public static readonly Operand SnapshotName = new("snapshotname", "find parent of snapshot name");
    public static readonly Option<bool> Current = new("--current") { Description = "find parent of current snapshot" };
    public static readonly Operands Operands = new([Domain, SnapshotName]);

    public static Command GetCommand(GlobalOptions globals)
    {
        var command = new Command("snapshot-parent", "Get the name of the parent of a snapshot");
        Operands.AddTo(command);
        command.Options.Add(Current);
        command.SetAction((parseResult, ct) => new SnapshotParentCommand(parseResult, globals).ExecuteAsync(ct));
        return command;
    }
}
