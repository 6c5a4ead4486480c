using System.Xml.Linq;
using Snapshot.Interop;

namespace Snapshot.Engine;

public sealed partial class SnapshotEngine
{
    private static readonly TimeSpan RawEventWait = TimeSpan.FromSeconds(10);

    // libvirt 9.0 refuses this ("revert to external snapshot not supported yet"); the engine does it in
    // steps: preflight everything, stop, fresh overlays on the frozen images, define, restore (or boot),
    // make the snapshot current, then clean up. See docs/revert.md.
    private async Task<SnapshotInfo> RevertExternalAsync(LibvirtDomain dom, SnapshotInfo info, SnapshotRevertOptions options,
        CancellationToken cancellationToken)
    {
        using var snapshot = Lookup(dom, info.Name);
        var snapshotXml = snapshot.GetXmlDesc(SnapshotXmlFlags.Secure);
        var before = dom.GetState().State;
        var live = XElement.Parse(dom.GetXmlDesc(DomainXmlFlags.Secure));
        var savedDefinition = dom.GetXmlDesc(DomainXmlFlags.Secure | DomainXmlFlags.Inactive);
        var plan = ExternalRevertPreflight.Check(snapshotXml, options, before, live);
        var abandoned = RevertDefinition.DiskSources(live).Values.ToList();
        var descendants = options.DiscardDescendants ? RevertCleanup.DescendantFiles(snapshot) : [];
        cancellationToken.ThrowIfCancellationRequested();

        var name = dom.Name;
        Log.RevertingExternal(_logger, name, plan.Snapshot, plan.Start, plan.TargetState);
        var overlays = new Dictionary<string, string>(StringComparer.Ordinal);
        Task<HashSet<string>?>? needed = null;
        using (var suppression = _events.Suppress(Connection, dom))
        {
            var stopped = false;
            try
            {
                if (RevertEvents.HasProcess(before))
                {
                    await Task.Run(() => dom.Destroy(), CancellationToken.None).ConfigureAwait(false);
                    stopped = true;
                    await AwaitRawAsync(suppression, name, "stop", e => e.Type == DomainEventType.Stopped).ConfigureAwait(false);
                    Log.RevertStopped(_logger, name);
                }
                // Which images the remaining snapshots need (qemu-img info per chain) is read while the
                // domain restores, not after it: without discarding, the remaining snapshots are those of now.
                await ReplaceAndStartAsync(dom, plan, overlays, suppression,
                    () => needed = options.DiscardDescendants ? null : RevertCleanup.NeededAfterRevertAsync(dom, [.. overlays.Values], CancellationToken.None),
                    cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                // Subscribers learn that the guest was stopped, then see the rollback's own events.
                if (stopped)
                    _events.Publish(Synthesized(dom, RevertEvents.Stopped));
                suppression.Dispose();
                var detail = await RollBackAsync(dom, plan, before, stopped, savedDefinition, overlays.Values, e).ConfigureAwait(false);
                throw new SnapshotException(e is SnapshotException s ? s.Kind : ErrorClassifier.Classify(e), detail, e);
            }
        }

        var after = dom.GetState().State;
        if (after != plan.TargetState)
            Log.RevertStateUnexpected(_logger, name, after, plan.TargetState);
        foreach (var evt in RevertEvents.For(before, plan.TargetState, newProcess: true, redefined: true))
            _events.Publish(Synthesized(dom, evt));

        // libvirt has no setter for the current snapshot: redefining its own XML with CURRENT is how virsh does it.
        using (dom.CreateSnapshot(snapshotXml, SnapshotCreateFlags.Redefine | SnapshotCreateFlags.Current))
        {
        }
        if (options.DiscardDescendants && descendants.Count > 0)
            snapshot.Delete(SnapshotDeleteFlags.ChildrenOnly | SnapshotDeleteFlags.MetadataOnly);
        // The revert is done and recorded: a cancel from here on would report a failure that did not happen.
        var neededNow = needed is null ? null : await needed.ConfigureAwait(false);
        await RevertCleanup.CleanUpAfterRevertAsync(_logger, dom, descendants, abandoned, overlays.Values, neededNow, CancellationToken.None).ConfigureAwait(false);
        using var current = Lookup(dom, plan.Snapshot);
        return Describe(current);
    }

    private async Task ReplaceAndStartAsync(LibvirtDomain dom, ExternalRevertPlan plan, Dictionary<string, string> overlays,
        EventHub.Suppression suppression, Action overlaysCreated, CancellationToken cancellationToken)
    {
        foreach (var disk in plan.Disks)
        {
            var overlay = OverlayImages.NextName(disk.Path, plan.Snapshot);
            overlays[disk.Target] = overlay;
            await OverlayImages.CreateAsync(overlay, disk.Path, disk.Format, cancellationToken).ConfigureAwait(false);
            Log.OverlayCreated(_logger, overlay, disk.Path);
        }
        overlaysCreated();
        var definition = RevertDefinition.WithOverlays(plan.Definition, overlays);
        using (Connection.DefineDomain(definition))
        {
        }
        var name = dom.Name;
        switch (plan.Start)
        {
            case RevertStart.Restore:
                // The memory file embeds the domain of the snapshot instant, whose disks are the frozen
                // images (or, for instant snapshots, the overlay that followed them): always restore with
                // an XML whose disks point at the fresh overlays, or QEMU writes into frozen images.
                var embedded = XElement.Parse(Connection.GetSaveImageXml(plan.MemoryFile!, DomainXmlFlags.Secure));
                var restoreXml = RevertDefinition.WithOverlays(embedded, overlays);
                await Task.Run(() => Connection.RestoreDomain(plan.MemoryFile!, restoreXml, plan.RestoreFlags), CancellationToken.None).ConfigureAwait(false);
                break;
            case RevertStart.FreshBoot:
                await Task.Run(() => dom.Create(plan.CreateFlags), CancellationToken.None).ConfigureAwait(false);
                break;
            default:
                await AwaitRawAsync(suppression, name, "define", e => e.Type == DomainEventType.Defined).ConfigureAwait(false);
                return;
        }
        var last = plan.TargetState == DomainState.Paused ? DomainEventType.Suspended : DomainEventType.Started;
        await AwaitRawAsync(suppression, name, "start", e => e.Type == last || (last == DomainEventType.Started && e.Type == DomainEventType.Resumed)).ConfigureAwait(false);
    }

    private async Task AwaitRawAsync(EventHub.Suppression suppression, string domain, string step, Func<DomainLifecycleEvent, bool> match)
    {
        if (!await suppression.WaitForAsync(match, RawEventWait).ConfigureAwait(false))
            Log.RawEventMissed(_logger, step, domain);
    }

    private static DomainLifecycleEvent Synthesized(LibvirtDomain dom, RevertEvent evt) =>
        new(dom.Name, dom.Uuid, evt.Type, evt.Detail, DateTimeOffset.UtcNow);

    // Puts the domain back on the disks it had, as far as it can, and says what it did.
    private async Task<string> RollBackAsync(LibvirtDomain dom, ExternalRevertPlan plan, DomainState before, bool stopped,
        string savedDefinition, IEnumerable<string> overlays, Exception failure)
    {
        var what = $"revert of domain '{dom.Name}' to snapshot '{plan.Snapshot}' failed: {failure.Message}";
        if (!stopped && !overlays.Any())
            return what;
        Log.RevertRollingBack(_logger, dom.Name, plan.Snapshot, failure);
        var outcome = new List<string>();
        try
        {
            if (dom.IsActive)
                dom.Destroy();
            using (Connection.DefineDomain(savedDefinition))
            {
            }
            outcome.Add("it is defined again on its previous disks");
            if (stopped)
            {
                // Never with --reset-nvram: the rollback puts back what the domain had, its NVRAM included.
                await Task.Run(() => dom.Create(before == DomainState.Paused ? DomainCreateFlags.StartPaused : DomainCreateFlags.None), CancellationToken.None).ConfigureAwait(false);
                outcome.Add("booted afresh on them (the memory state it had is lost)");
            }
        }
        catch (LibvirtException e)
        {
            outcome.Add($"rolling back failed too ({e.Message}); check it with virsh dominfo and virsh dumpxml");
        }
        foreach (var overlay in overlays)
        {
            try
            {
                File.Delete(overlay);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                outcome.Add($"the new overlay '{overlay}' could not be deleted ({e.Message})");
            }
        }
        return $"{what}; {string.Join("; ", outcome)}";
    }
}
