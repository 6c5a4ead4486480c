using System.Text.Json.Serialization;
using Snapshot.Engine;

namespace Snapshot.Cli.Output;

/// <summary>A snapshot in JSON (the <c>data</c> of list items, create, revert, current, ...).</summary>
internal sealed record SnapshotJson(
    string Name,
    string Domain,
    string? Description,
    string State,
    string CreationTime,
    long CreationTimeUnix,
    string? Parent,
    bool Current,
    string Location,
    string? Memory,
    string? MemoryFile,
    IReadOnlyList<DiskJson> Disks)
{
    public static SnapshotJson From(SnapshotInfo s) => new(
        s.Name,
        s.Domain,
        s.Description,
        s.State.ToLibvirtWord(),
        s.CreationTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
        s.CreationTimeUnix,
        s.Parent,
        s.IsCurrent,
        VirshFormat.Location(s.Location),
        s.MemorySnapshot?.ToLibvirtWord(),
        s.MemoryFile,
        s.Disks.Select(d => new DiskJson(d.Name, d.Snapshot?.ToLibvirtWord(), d.Driver, d.File)).ToList());
}

internal sealed record DiskJson(string Name, string? Snapshot, string? Driver, string? File);

/// <summary>snapshot-info's data.</summary>
internal sealed record SnapshotInfoJson(SnapshotJson Snapshot, int Children, int Descendants, bool Metadata, bool? BranchTip);

/// <summary>snapshot-revert --keep-current's data: the snapshot reverted to and the one kept of the state left.</summary>
internal sealed record KeptRevertJson(SnapshotJson Reverted, SnapshotJson Kept);

/// <summary>A name alone (snapshot-current --name, snapshot-parent).</summary>
internal sealed record NameJson(string Name);

/// <summary>An XML document (snapshot-dumpxml, snapshot-current, snapshot-create-as --print-xml).</summary>
internal sealed record XmlJson(string? Name, string Xml);

/// <summary>snapshot-dumpxml --xpath: each selected node as virsh prints it, and the --wrap document (null without).</summary>
internal sealed record XPathJson(string Name, [property: JsonPropertyName("xpath")] string XPath, IReadOnlyList<string> Nodes, string? Wrapped);

/// <summary>snapshot-delete's data: the snapshots deleted, leaves first, and the bytes the merges of their layers copied.</summary>
internal sealed record DeletedJson(string Name, string Mode, bool MetadataOnly, IReadOnlyList<string> Deleted, long BytesMerged);

/// <summary>snapshot-prune's data: whether it was a dry run, the snapshots deleted (or that would be), oldest first, and the bytes merged.</summary>
internal sealed record PrunedJson(bool DryRun, IReadOnlyList<SnapshotJson> Snapshots, long BytesMerged);

/// <summary>version's data.</summary>
internal sealed record VersionJson(string Library, string? Daemon, string HypervisorType, string Hypervisor);

/// <summary>One lifecycle event (event --json prints one envelope per event).</summary>
internal sealed record EventJson(string Domain, Guid Uuid, string Event, string Detail, int EventCode, int DetailCode, string Time);

/// <summary>The last envelope of event: how the loop ended.</summary>
internal sealed record EventSummaryJson(int EventsReceived, string End);

/// <summary>The instant-snapshot notice, printed as soon as the snapshot point is taken.</summary>
internal sealed record SnapshotPointJson(string Time, long GuestPausedMs);

/// <summary>snapshot-recover: the outcome (none, rolled-back, rolled-forward), the operation recovered, what was done and left.</summary>
internal sealed record RecoveryJson(string Outcome, string? Operation, int? Pid, string? StartedAt, string? Step, IReadOnlyList<string> Done, IReadOnlyList<string> Left)
{
    public static RecoveryJson From(Snapshot.Engine.RecoveryResult r) =>
        new(Word(r.Outcome), r.Interrupted?.Operation, r.Interrupted?.ProcessId,
            r.Interrupted?.StartedAt.ToUniversalTime().ToString("O", System.Globalization.CultureInfo.InvariantCulture), r.Interrupted?.LastStep, r.Done, r.Left);

    public static string Word(Snapshot.Engine.RecoveryOutcome outcome) => outcome switch
    {
        Snapshot.Engine.RecoveryOutcome.RolledBack => "rolled-back",
        Snapshot.Engine.RecoveryOutcome.RolledForward => "rolled-forward",
        _ => "none",
    };
}

/// <summary>The <c>error</c> member of the error envelope.</summary>
internal sealed record ErrorJson(string Kind, string Message);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(SnapshotJson))]
[JsonSerializable(typeof(List<SnapshotJson>))]
[JsonSerializable(typeof(SnapshotInfoJson))]
[JsonSerializable(typeof(KeptRevertJson))]
[JsonSerializable(typeof(NameJson))]
[JsonSerializable(typeof(RecoveryJson))]
[JsonSerializable(typeof(XmlJson))]
[JsonSerializable(typeof(XPathJson))]
[JsonSerializable(typeof(DeletedJson))]
[JsonSerializable(typeof(PrunedJson))]
[JsonSerializable(typeof(VersionJson))]
[JsonSerializable(typeof(EventJson))]
[JsonSerializable(typeof(EventSummaryJson))]
[JsonSerializable(typeof(SnapshotPointJson))]
[JsonSerializable(typeof(ErrorJson))]
[JsonSerializable(typeof(GroupJson))]
[JsonSerializable(typeof(List<GroupJson>))]
[JsonSerializable(typeof(GroupRevertJson))]
[JsonSerializable(typeof(List<string>))]
internal sealed partial class CliJsonContext : JsonSerializerContext;
