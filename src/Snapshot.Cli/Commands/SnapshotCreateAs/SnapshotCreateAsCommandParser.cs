using System.CommandLine;
using Snapshot.Cli.Common;

namespace Snapshot.Cli.Commands.SnapshotCreateAs;

/// <summary>snapshot-create-as's symbols and wiring.</summary>
internal static class SnapshotCreateAsCommandParser
{
    public static readonly Operand Domain = Operand.Domain();
    public static readonly Operand Name = new("name", "name of snapshot");
    public static readonly Operand Description = new("description", "description of snapshot");
    public static readonly Option<bool> PrintXml = new("--print-xml") { Description = "print XML document rather than create" };
    public static readonly Option<string?> MemSpec = new("--memspec")
    {
        Description = "memory attributes: [file=]name[,snapshot=type]",
        HelpName = "string",
    };

    public static readonly Option<string[]> DiskSpec = new("--diskspec")
    {
        Description = "disk attributes: disk[,snapshot=type][,driver=type][,stype=type][,file=name]",
        HelpName = "string",
        Arity = ArgumentArity.ZeroOrMore,
    };

    public static readonly Argument<string[]> DiskSpecArgument = new("diskspec")
    {
        Description = "disk attributes (as --diskspec)",
        Arity = ArgumentArity.ZeroOrMore,
    };

    public static readonly Option<bool> Instant = new("--instant")
    {
        Description = "instant snapshot: the snapshot point is the moment of the request; the guest pauses for milliseconds (virt-snap)",
    };

    public static readonly CreateModifierOptions Modifiers = new();
    public static readonly Operands Operands = new([Domain, Name, Description], DiskSpec, DiskSpecArgument);

    public static Command GetCommand(GlobalOptions globals)
    {
        return CommandDeclaration.Create("snapshot-create-as", "Create a snapshot from a set of args", Operands, p => new SnapshotCreateAsCommand(p, globals),
            [PrintXml, .. Modifiers.All, MemSpec, Instant]);
    }
}
