using System.CommandLine;
using System.Globalization;
using Snapshot.Cli.Common;
using Snapshot.Cli.Output;
using Snapshot.Engine;
using P = Snapshot.Cli.Commands.Event.EventCommandParser;

namespace Snapshot.Cli.Commands.Event;

/// <summary>
/// event: waits for domain lifecycle events and prints them as virsh does
/// (<c>event 'lifecycle' for domain 'NAME': Started Booted</c>).
/// </summary>
internal sealed class EventCommand(ParseResult parseResult, GlobalOptions globals)
    : CliCommand(parseResult, globals)
{
    /// <summary>The event types virt-snap can watch.</summary>
    public static readonly string[] EventTypes = ["lifecycle"];

    // virsh's words for virDomainEventType and each type's detail.
    private static readonly string[] TypeNames = ["Defined", "Undefined", "Started", "Suspended", "Resumed", "Stopped", "Shutdown", "PMSuspended", "Crashed"];

    private static readonly string[][] DetailNames =
    [
        ["Added", "Updated", "Renamed", "Snapshot"],
        ["Removed", "Renamed"],
        ["Booted", "Migrated", "Restored", "Snapshot", "Event wakeup"],
        ["Paused", "Migrated", "I/O Error", "Watchdog", "Restored", "Snapshot", "API error", "Post-copy", "Post-copy Error"],
        ["Unpaused", "Migrated", "Snapshot", "Post-copy", "Post-copy Error"],
        ["Shutdown", "Destroyed", "Crashed", "Migrated", "Saved", "Failed", "Snapshot"],
        ["Finished", "Finished after guest request", "Finished after host request"],
        ["Memory", "Disk"],
        ["Panicked", "Crashloaded"],
    ];

    protected override async Task<int> RunAsync(CommandContext ctx, CancellationToken ct)
    {
        var (values, _) = P.Operands.Resolve(ParseResult);
        var domain = values["domain"];
        var eventName = GetText(P.EventName);
        var all = ParseResult.GetValue(P.All);
        var list = ParseResult.GetValue(P.List);
        CliErrors.ThrowIfBoth(all, "all", eventName is not null, "event");
        CliErrors.ThrowIfBoth(list, "list", all, "all");
        CliErrors.ThrowIfBoth(list, "list", eventName is not null, "event");

        if (list)
        {
            ctx.WriteJson(EventTypes.ToList(), CliJsonContext.Default.ListString);
            foreach (var type in EventTypes)
            {
                ctx.Print(type + "\n");
            }

            return ExitCodes.Success;
        }

        if (eventName is null && !all)
        {
            throw CliErrors.Usage("one of --list, --all, or --event <type> is required");
        }

        if (eventName is not null && !EventTypes.Contains(eventName, StringComparer.Ordinal))
        {
            throw CliErrors.Usage($"unknown event type {eventName}");
        }

        var timeout = ParseTimeout(ParseResult.GetValue(P.Timeout));

        var loop = ParseResult.GetValue(P.Loop);
        var timestamp = ParseResult.GetValue(P.Timestamp);

        using var engine = ctx.Connect(readOnly: true);
        using var timer = timeout is { } seconds ? new CancellationTokenSource(TimeSpan.FromSeconds(seconds)) : new CancellationTokenSource();
        // A reader that went away (`| head -1`) ends the loop as an interrupt would.
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timer.Token, ctx.OutputFailed);
        var count = 0;
        string? end = null;
        try
        {
            await foreach (var e in domain is null ? engine.WatchEventsAsync(linked.Token) : engine.DomainFromOperand(domain).WatchEventsAsync(linked.Token))
            {
                Print(ctx, e, timestamp);
                count++;
                if (!loop)
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (linked.IsCancellationRequested)
        {
            end = timer.IsCancellationRequested && !ct.IsCancellationRequested ? "timeout" : "interrupted";
        }

        if (end == "timeout")
        {
            ctx.Print("event loop timed out\n");
        }
        else if (end == "interrupted")
        {
            ctx.Print("event loop interrupted\n");
        }

        ctx.WriteJson(new EventSummaryJson(count, end ?? "done"), CliJsonContext.Default.EventSummaryJson);
        ctx.Print(string.Create(CultureInfo.InvariantCulture, $"events received: {count}\n"));
        return count > 0 ? ExitCodes.Success : ExitCodes.Failed;
    }

    /// <summary>
    /// virsh's vshCommandOptTimeoutToMs: a positive int (strtol's leading blanks and sign) whose
    /// milliseconds fit an int.
    /// </summary>
    private static int? ParseTimeout(string? text)
    {
        if (text is null)
        {
            return null;
        }

        return int.TryParse(text, NumberStyles.AllowLeadingWhite | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var seconds)
            && seconds is > 0 and <= int.MaxValue / 1000
            ? seconds
            : throw CliErrors.Usage($"Numeric value '{text}' for <timeout> option is malformed or out of range");
    }

    private static void Print(CommandContext ctx, LifecycleEvent e, bool timestamp)
    {
        if (ctx.Json)
        {
            var (typeName, detailName) = Names(e);
            ctx.WriteJson(
                new EventJson(e.DomainName, e.DomainUuid, typeName, detailName, (int)e.Type, e.DetailCode, e.Time.ToString("O", CultureInfo.InvariantCulture)),
                CliJsonContext.Default.EventJson);
        }
        else
        {
            ctx.Print(Format(e, timestamp));
        }

        ctx.Out.Flush();
    }

    /// <summary>virsh's line for a lifecycle event, with virTimeStringNowRaw's prefix when asked.</summary>
    internal static string Format(LifecycleEvent e, bool timestamp)
    {
        var (typeName, detailName) = Names(e);
        var prefix = timestamp ? VirshFormat.EventTimestamp(e.Time) + ": " : "";
        return $"{prefix}event 'lifecycle' for domain '{e.DomainName}': {typeName} {detailName}\n";
    }

    private static (string Type, string Detail) Names(LifecycleEvent e)
    {
        var type = (int)e.Type;
        var typeName = type >= 0 && type < TypeNames.Length ? TypeNames[type] : "unknown";
        var detailName = type >= 0 && type < DetailNames.Length && e.DetailCode >= 0 && e.DetailCode < DetailNames[type].Length
            ? DetailNames[type][e.DetailCode]
            : "unknown";
        return (typeName, detailName);
    }
}
