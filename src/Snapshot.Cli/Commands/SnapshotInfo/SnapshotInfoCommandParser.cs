using System.CommandLine;
using Snapshot.Cli.Common;

namespace Snapshot.Cli.Commands.SnapshotInfo;

/// <summary>snapshot-info's symbols and wiring.</summary>
internal static class SnapshotInfoCommandParser
{
    public static readonly Operand Domain = new("domain", "domain name, id or uuid");
    public static readonly Operand SnapshotName = new("snapshotname", "snapshot name");
    public static readonly Option<bool> Current = new("--current") { Description = "info on current snapshot" };
    public static readonly Operands Operands = new([Domain, SnapshotName]);

    public static Command GetCommand(GlobalOptions globals)
    {
        var command = new Command("snapshot-info", "snapshot information");
        Operands.AddTo(command);
        command.Options.Add(Current);
        command.SetAction((parseResult, ct) => new SnapshotInfoCommand(parseResult, globals).ExecuteAsync(ct));
        return command;
    }
}
