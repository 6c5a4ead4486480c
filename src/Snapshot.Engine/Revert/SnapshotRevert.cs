using System.Xml.Linq;
using Snapshot.Interop;

namespace Snapshot.Engine;

/// <summary>
/// Reverts a domain to a snapshot (null: the current one). Internal snapshots go through libvirt, once
/// <see cref="InternalRevertPreflight"/> found nothing depending on the images they rewrite; external ones, which libvirt 9.0 refuses, through <see cref="ExternalRevert"/>.
/// </summary>
internal sealed class SnapshotRevert(EngineContext context)
{
    public async Task<SnapshotInfo> RunAsync(DomainRef domain, string? name, SnapshotRevertOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        cancellationToken.ThrowIfCancellationRequested();
        using var dom = context.Resolve(domain);
        using var snapshot = name is null ? EngineContext.CurrentOrThrow(dom) : EngineContext.Lookup(dom, name);
        var info = EngineContext.Describe(snapshot);
        if (info.Location == SnapshotLocation.External)
            return await new ExternalRevert(context, dom, info, options).RunAsync(cancellationToken).ConfigureAwait(false);

        if (options.BranchTip)
            throw new SnapshotException(SnapshotErrorKind.NotSupported, $"snapshot '{info.Name}' is internal: it has no branch tip to revert to (external snapshots only)");
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
        var left = await InternalRevertPreflight.CheckAsync(dom, snapshot, options.DiscardCurrent, context.Files, cancellationToken).ConfigureAwait(false);
        Log.RevertingInternal(context.Logger, dom.Name, info.Name, flags);
        await Task.Run(() => snapshot.Revert(flags), CancellationToken.None).ConfigureAwait(false);
        // The preflight let a current disk on the rewritten image through only to be discarded: its state is gone with the revert.
        if (options.DiscardCurrent)
        {
            var now = RevertDefinition.DiskSources(XElement.Parse(dom.GetXmlDesc())).Values;
            await RevertCleanup.CleanUpAfterRevertAsync(context.Logger, dom, [], [], left, discardCurrent: true, now, neededBefore: null, context.Files, CancellationToken.None)
                .ConfigureAwait(false);
        }
        if (options.DiscardDescendants && snapshot.ChildCount() > 0)
            await Task.Run(() => snapshot.Delete(SnapshotDeleteFlags.ChildrenOnly), CancellationToken.None).ConfigureAwait(false);
        return EngineContext.Describe(snapshot);
    }

    /// <summary>Reverts after taking a snapshot of the state left (<see cref="KeepCurrentRevert"/>).</summary>
    public async Task<KeptRevert> RunKeepingAsync(DomainRef domain, string? name, string? keptName, SnapshotRevertOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        cancellationToken.ThrowIfCancellationRequested();
        using var dom = context.Resolve(domain);
        SnapshotInfo info;
        using (var snapshot = name is null ? EngineContext.CurrentOrThrow(dom) : EngineContext.Lookup(dom, name))
            info = EngineContext.Describe(snapshot);
        return await new KeepCurrentRevert(context, domain, dom, info, options).RunAsync(keptName, cancellationToken).ConfigureAwait(false);
    }
}
