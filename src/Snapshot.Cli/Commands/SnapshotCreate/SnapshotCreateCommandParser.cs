using System.CommandLine;
using Snapshot.Cli.Common;

namespace Snapshot.Cli.Commands.SnapshotCreate;

/// <summary>snapshot-create's symbols and wiring.</summary>
internal static class SnapshotCreateCommandParser
{
    public static readonly Operand Domain = Operand.Domain();
    public static readonly Operand XmlFile = new("xmlfile", "domain snapshot XML");
    public static readonly Option<bool> Redefine = new("--redefine") { Description = "redefine metadata for existing snapshot" };
    public static readonly Option<bool> Current = new("--current") { Description = "with redefine, set current snapshot" };
    public static readonly CreateModifierOptions Modifiers = new();
    public static readonly Operands Operands = new([Domain, XmlFile]);

    public static Command GetCommand(GlobalOptions globals)
    {
        return CommandDeclaration.Create("snapshot-create", "Create a snapshot from XML", Operands, p => new SnapshotCreateCommand(p, globals),
            [Redefine, Current, .. Modifiers.All]);
    }
}
