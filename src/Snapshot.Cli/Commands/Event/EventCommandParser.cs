using System.CommandLine;
using Snapshot.Cli.Common;

namespace Snapshot.Cli.Commands.Event;

/// <summary>event's symbols and wiring (virsh's <c>event</c>, lifecycle events).</summary>
internal static class EventCommandParser
{
    public static readonly Operand Domain = new("domain", "filter by domain name, id or uuid");
    public static readonly Option<string?> EventName = new("--event") { Description = "which event type to wait for", HelpName = "string" };
    public static readonly Option<bool> All = new("--all") { Description = "wait for all events instead of just one type" };
    public static readonly Option<bool> Loop = new("--loop") { Description = "loop until timeout or interrupt, rather than one-shot" };
    // Text, parsed by the command: System.CommandLine's own refusal names a .NET type.
    public static readonly Option<string?> Timeout = new("--timeout") { Description = "timeout seconds", HelpName = "number" };
    public static readonly Option<bool> List = new("--list") { Description = "list valid event types" };
    public static readonly Option<bool> Timestamp = new("--timestamp") { Description = "show timestamp for each printed event" };
    public static readonly Operands Operands = new([Domain]);

    public static Command GetCommand(GlobalOptions globals)
    {
        EventName.CompletionSources.Add(EventCommand.EventTypes);
        return CommandDeclaration.Create("event", "Domain Events", Operands, p => new EventCommand(p, globals), EventName, All, Loop, Timeout, List, Timestamp);
    }
}
