using System.CommandLine;
using Snapshot.Engine;

namespace Snapshot.Cli.Common;

/// <summary>The creation flags snapshot-create and snapshot-create-as share.</summary>
internal sealed class CreateModifierOptions
{
    public Option<bool> NoMetadata { get; } = new("--no-metadata") { Description = "take snapshot but create no metadata" };
    public Option<bool> Halt { get; } = new("--halt") { Description = "halt domain after snapshot is created" };
    public Option<bool> DiskOnly { get; } = new("--disk-only") { Description = "capture disk state but not vm state" };
    public Option<bool> ReuseExternal { get; } = new("--reuse-external") { Description = "reuse any existing external files" };
    public Option<bool> Quiesce { get; } = new("--quiesce") { Description = "quiesce guest's file systems" };
    public Option<bool> Atomic { get; } = new("--atomic") { Description = "require atomic operation" };
    public Option<bool> Live { get; } = new("--live") { Description = "take a live snapshot" };
    public Option<bool> Validate { get; } = new("--validate") { Description = "validate the XML against the schema" };

    /// <summary>The flags in virsh's help order.</summary>
    public Option[] All => [NoMetadata, Halt, DiskOnly, ReuseExternal, Quiesce, Atomic, Live, Validate];

    public SnapshotCreateModifiers Read(ParseResult parseResult) => new()
    {
        NoMetadata = parseResult.GetValue(NoMetadata),
        Halt = parseResult.GetValue(Halt),
        DiskOnly = parseResult.GetValue(DiskOnly),
        ReuseExternal = parseResult.GetValue(ReuseExternal),
        Quiesce = parseResult.GetValue(Quiesce),
        Atomic = parseResult.GetValue(Atomic),
        Live = parseResult.GetValue(Live),
        Validate = parseResult.GetValue(Validate),
    };
}
