using System.Xml.Linq;
using Snapshot.Interop;

namespace Snapshot.Engine;

/// <summary>How the domain comes back after its definition is replaced.</summary>
internal enum RevertStart
{
    /// <summary>Defined only: it stays shut off.</summary>
    DefineOnly,

    /// <summary>Restored from the snapshot's memory file.</summary>
    Restore,

    /// <summary>Booted fresh from the snapshot's disks (no memory to resume).</summary>
    FreshBoot,
}

/// <summary>A disk the snapshot froze: its target, the frozen image and that image's format.</summary>
internal sealed record FrozenDisk(string Target, string Path, string Format);

/// <summary>What an external revert will do, decided (and checked) before the domain is touched.</summary>
/// <param name="Snapshot">The snapshot's name.</param>
/// <param name="Definition">The domain definition the snapshot recorded.</param>
/// <param name="Disks">The frozen disks, each to get a fresh overlay.</param>
/// <param name="MemoryFile">The memory file to restore, for <see cref="RevertStart.Restore"/>.</param>
/// <param name="Start">How the domain comes back.</param>
/// <param name="TargetState">The state it ends in.</param>
internal sealed record ExternalRevertPlan(
    string Snapshot,
    XElement Definition,
    IReadOnlyList<FrozenDisk> Disks,
    string? MemoryFile,
    RevertStart Start,
    DomainState TargetState)
{
    /// <summary>Whether starting the guest re-initializes its NVRAM from its template (<c>--reset-nvram</c>).</summary>
    public bool ResetNvram { get; init; }

    /// <summary>The flags of <c>virDomainRestoreFlags</c> for <see cref="RevertStart.Restore"/>.</summary>
    public DomainSaveRestoreFlags RestoreFlags =>
        (TargetState == DomainState.Paused ? DomainSaveRestoreFlags.Paused : DomainSaveRestoreFlags.Running)
        | (ResetNvram ? DomainSaveRestoreFlags.ResetNvram : DomainSaveRestoreFlags.None);

    /// <summary>The flags of <c>virDomainCreateWithFlags</c> for <see cref="RevertStart.FreshBoot"/>.</summary>
    public DomainCreateFlags CreateFlags =>
        (TargetState == DomainState.Paused ? DomainCreateFlags.StartPaused : DomainCreateFlags.None)
        | (ResetNvram ? DomainCreateFlags.StartResetNvram : DomainCreateFlags.None);
}
