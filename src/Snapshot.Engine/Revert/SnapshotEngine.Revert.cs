using Snapshot.Interop;

namespace Snapshot.Engine;

public sealed partial class SnapshotEngine
{
    /// <summary>
    /// Reverts a domain to a snapshot (null: the current one). Internal snapshots go through libvirt;
    /// external ones, which libvirt 9.0 refuses, through the engine's own sequence.
    /// </summary>
    public async Task<SnapshotInfo> RevertAsync(string domain, string? name, SnapshotRevertOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        cancellationToken.ThrowIfCancellationRequested();
        using var dom = Domain(domain);
        using var snapshot = name is null ? CurrentOrThrow(dom) : Lookup(dom, name);
        var info = Describe(snapshot);
        if (info.Location == SnapshotLocation.External)
            return await RevertExternalAsync(dom, info, options, cancellationToken).ConfigureAwait(false);

        var flags = options.Target switch
        {
            RevertTarget.Running => SnapshotRevertFlags.Running,
            RevertTarget.Paused => SnapshotRevertFlags.Paused,
            _ => (SnapshotRevertFlags)0,
        };
        if (options.Force)
            flags |= SnapshotRevertFlags.Force;
        if (options.ResetNvram)
            flags |= SnapshotRevertFlags.ResetNvram;
        Log.RevertingInternal(_logger, dom.Name, info.Name, flags);
        await Task.Run(() => snapshot.Revert(flags), CancellationToken.None).ConfigureAwait(false);
        if (options.DiscardDescendants && snapshot.ChildCount() > 0)
            await Task.Run(() => snapshot.Delete(SnapshotDeleteFlags.ChildrenOnly), CancellationToken.None).ConfigureAwait(false);
        return Describe(snapshot);
    }
}
