using System.Xml.Linq;
using Snapshot.Interop;

namespace Snapshot.Engine;

/// <summary>
/// The revert to an external snapshot, which libvirt 9.0 refuses ("revert to external snapshot not supported
/// yet"), in named steps: preflight everything, stop, fresh overlays on the frozen images, define, restore (or
/// boot), then, past the point of no return, publish the events, make the snapshot current and clean up. A
/// failure up to the start undoes the ledger in reverse (docs/revert.md, docs/architecture.md).
/// </summary>
internal sealed class ExternalRevert(EngineContext context, LibvirtDomain dom, SnapshotInfo info, SnapshotRevertOptions options)
{
    public static readonly StepSequence Sequence = new("external-revert",
        new StepDefinition("preflight", "checking the snapshot and the domain"),
        new StepDefinition("hold-events", "holding back the domain's events"),
        new StepDefinition("stop", "stopping the domain"),
        new StepDefinition("create-overlays", "creating the overlays"),
        new StepDefinition("define", "defining the domain on the overlays"),
        new StepDefinition("start", "starting the domain from the snapshot"),
        new StepDefinition("publish-events", "publishing the revert's events"),
        new StepDefinition("make-current", "making the snapshot current"),
        new StepDefinition("discard-descendants", "dropping the descendants' metadata"),
        new StepDefinition("clean-up", "deleting the files no snapshot needs"));

    /// <summary>What the message of a failure past the point of no return says: the domain runs on the snapshot.</summary>
    public const string DoneNote = "the revert itself is done";

    private static readonly TimeSpan RawEventWait = TimeSpan.FromSeconds(10);

    private readonly OperationRun _run = context.StartRun(Sequence, dom.Name);
    private readonly string _name = dom.Name;
    private readonly Dictionary<string, string> _overlays = new(StringComparer.Ordinal);
    private EventHub.Suppression? _suppression;
    private int _defineMark;
    private bool _stopped;

    public async Task<SnapshotInfo> RunAsync(CancellationToken ct)
    {
        using var snapshot = EngineContext.Lookup(dom, info.Name);
        var p = await _run.RunAsync("preflight", () => PreflightAsync(snapshot, ct), ct).ConfigureAwait(false);
        ct.ThrowIfCancellationRequested();
        Log.RevertingExternal(context.Logger, _name, p.Plan.Snapshot, p.Plan.Start, p.Plan.TargetState);
        Task<HashSet<string>?>? needed = null;
        try
        {
            await _run.Run("hold-events", () =>
            {
                // What a later process needs to put the domain back, or to finish: journaled before anything changes.
                _run.Note(JournalFact.Of(JournalFacts.DomainSaved, "state", StateName(p.Before), "xml", p.SavedDefinition));
                _run.Note(JournalFact.Of(JournalFacts.SnapshotTarget, "name", p.Plan.Snapshot, "xml", p.SnapshotXml, "state", StateName(p.Plan.TargetState)));
                _suppression = context.Events.Suppress(context.Connection, dom);
            }, ct).ConfigureAwait(false);
            await _run.RunAsync("stop", () => StopAsync(p.Before), ct).ConfigureAwait(false);
            await _run.RunAsync("create-overlays", () => CreateOverlaysAsync(p.Plan, ct), ct).ConfigureAwait(false);
            // Which images the remaining snapshots need (qemu-img info per chain) is read while the
            // domain restores, not after it: without discarding, the remaining snapshots are those of now.
            needed = options.DiscardDescendants ? null : RevertCleanup.NeededAfterRevertAsync(dom, [.. _overlays.Values], context.Files, CancellationToken.None);
            await _run.Run("define", () => Define(p), ct).ConfigureAwait(false);
            await _run.RunAsync("start", async () =>
            {
                await StartAsync(p.Plan).ConfigureAwait(false);
                _run.Note(JournalFact.Of(JournalFacts.DomainStarted, "state", StateName(p.Plan.TargetState)));
            }, ct).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            throw await RollBackAsync(p.Plan, e).ConfigureAwait(false);
        }

        // The revert is done and recorded from here on: a failure is reported, a cancel is ignored.
        try
        {
            await _run.Run("publish-events", () => PublishEvents(p), CancellationToken.None).ConfigureAwait(false);
            // libvirt has no setter for the current snapshot: redefining its own XML with CURRENT is how virsh does it.
            await _run.Run("make-current", () => dom.CreateSnapshot(p.SnapshotXml, SnapshotCreateFlags.Redefine | SnapshotCreateFlags.Current).Dispose(),
                CancellationToken.None).ConfigureAwait(false);
            await _run.Run("discard-descendants", () =>
            {
                if (options.DiscardDescendants && p.Descendants.Count > 0)
                    p.Snapshot.Delete(SnapshotDeleteFlags.ChildrenOnly | SnapshotDeleteFlags.MetadataOnly);
            }, CancellationToken.None).ConfigureAwait(false);
            var neededNow = needed is null ? null : await needed.ConfigureAwait(false);
            await _run.RunAsync("clean-up", () => RevertCleanup.CleanUpAfterRevertAsync(context.Logger, dom, p.Descendants, p.DescendantLayers, p.Abandoned, options.DiscardCurrent, _overlays.Values,
                neededNow, context.Files, CancellationToken.None), CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            var overlays = string.Join(", ", _overlays.Select(o => $"{o.Key}: {o.Value}"));
            throw new SnapshotException(ErrorClassifier.Classify(e),
                $"revert of domain '{_name}' to snapshot '{p.Plan.Snapshot}' failed while {_run.Current.Doing}: {e.Message}; {DoneNote} " +
                $"(the domain runs on {overlays}), so nothing was rolled back", e);
        }
        using var current = EngineContext.Lookup(dom, p.Plan.Snapshot);
        return EngineContext.Describe(current);
    }

    /// <summary>What the preflight read and decided.</summary>
    private sealed record Prepared(LibvirtDomainSnapshot Snapshot, string SnapshotXml, DomainState Before, string SavedDefinition,
        ExternalRevertPlan Plan, List<string> Abandoned, List<SnapshotFiles> Descendants, HashSet<string> DescendantLayers);

    private async Task<Prepared> PreflightAsync(LibvirtDomainSnapshot snapshot, CancellationToken ct)
    {
        var snapshotXml = snapshot.GetXmlDesc(SnapshotXmlFlags.Secure);
        var before = dom.GetState().State;
        var live = XElement.Parse(dom.GetXmlDesc(DomainXmlFlags.Secure));
        var savedDefinition = dom.GetXmlDesc(DomainXmlFlags.Secure | DomainXmlFlags.Inactive);
        var plan = ExternalRevertPreflight.Check(snapshotXml, options, before, live, context.Files);
        if (options.BranchTip)
            plan = plan with { Disks = await BranchTips.FindAsync(plan.Snapshot, XElement.Parse(snapshotXml), plan.Disks, context.Files, ct).ConfigureAwait(false) };
        var abandoned = RevertDefinition.DiskSources(live).Values.ToList();
        var descendants = options.DiscardDescendants ? RevertCleanup.DescendantFiles(snapshot) : [];
        var descendantLayers = options.DiscardDescendants ? await RevertCleanup.DescendantBranchLayersAsync(snapshot, context.Files, ct).ConfigureAwait(false) : [];
        return new Prepared(snapshot, snapshotXml, before, savedDefinition, plan, abandoned, descendants, descendantLayers);
    }

    private async Task StopAsync(DomainState before)
    {
        if (!RevertEvents.HasProcess(before))
            return;
        var mark = _suppression?.Mark() ?? 0;
        await Task.Run(() => dom.Destroy(), CancellationToken.None).ConfigureAwait(false);
        _stopped = true;
        // Never with --reset-nvram: the rollback puts back what the domain had, its NVRAM included.
        _run.Ledger.Record("stop", $"stopped the domain ({before.ToString().ToLowerInvariant()})", async report =>
        {
            await Task.Run(() => dom.Create(before == DomainState.Paused ? DomainCreateFlags.StartPaused : DomainCreateFlags.None), CancellationToken.None)
                .ConfigureAwait(false);
            report.Undone.Add("booted afresh on its previous disks (the memory state it had is lost)");
        }, JournalFact.Of(JournalFacts.DomainStopped, "state", StateName(before)));
        await AwaitRawAsync("stop", [DomainEventType.Stopped], mark).ConfigureAwait(false);
        Log.RevertStopped(context.Logger, _name);
    }

    private async Task CreateOverlaysAsync(ExternalRevertPlan plan, CancellationToken ct)
    {
        foreach (var disk in plan.Disks)
        {
            var overlay = OverlayImages.NextName(disk.Path, plan.Snapshot, context.Files.Exists);
            await context.Files.CreateOverlayAsync(overlay, disk.Path, disk.Format, ct).ConfigureAwait(false);
            // Recorded once made: an overlay that was refused (it exists) is never deleted by the rollback.
            _overlays[disk.Target] = overlay;
            _run.Ledger.Record("create-overlays", $"created the overlay {overlay} on {disk.Path}", report =>
            {
                report.DeleteCreatedFile(overlay, $"the new overlay '{overlay}'", files: context.Files);
                return Task.CompletedTask;
            }, JournalFacts.Created(overlay, JournalFacts.OverlayRole, disk.Path));
            Log.OverlayCreated(context.Logger, overlay, disk.Path);
        }
    }

    private void Define(Prepared p)
    {
        var definition = RevertDefinition.WithOverlays(p.Plan.Definition, _overlays);
        _defineMark = _suppression?.Mark() ?? 0;
        context.Connection.DefineDomain(definition).Dispose();
        _run.Ledger.Record("define", "defined the domain on the new overlays", report =>
        {
            if (dom.IsActive)
                dom.Destroy();
            context.Connection.DefineDomain(p.SavedDefinition).Dispose();
            report.Undone.Add("it is defined again on its previous disks");
            return Task.CompletedTask;
        }, JournalFact.Of(JournalFacts.DomainDefined));
    }

    private async Task StartAsync(ExternalRevertPlan plan)
    {
        var mark = plan.Start == RevertStart.DefineOnly ? _defineMark : _suppression?.Mark() ?? 0;
        switch (plan.Start)
        {
            case RevertStart.Restore:
                // The memory file embeds the domain of the snapshot instant, whose disks are the frozen
                // images (or, for instant snapshots, the overlay that followed them): always restore with
                // an XML whose disks point at the fresh overlays, or QEMU writes into frozen images.
                var embedded = XElement.Parse(context.Connection.GetSaveImageXml(plan.MemoryFile!, DomainXmlFlags.Secure));
                var restoreXml = RevertDefinition.WithOverlays(embedded, _overlays);
                await Task.Run(() => context.Connection.RestoreDomain(plan.MemoryFile!, restoreXml, plan.RestoreFlags), CancellationToken.None).ConfigureAwait(false);
                break;
            case RevertStart.FreshBoot:
                await Task.Run(() => dom.Create(plan.CreateFlags), CancellationToken.None).ConfigureAwait(false);
                break;
        }
        await AwaitRawAsync(plan.Start == RevertStart.DefineOnly ? "define" : "start", RevertEvents.RawOfStart(plan.Start, plan.TargetState), mark)
            .ConfigureAwait(false);
    }

    private void PublishEvents(Prepared p)
    {
        ReleaseEvents();
        var after = dom.GetState().State;
        if (after != p.Plan.TargetState)
            Log.RevertStateUnexpected(context.Logger, _name, after, p.Plan.TargetState);
        foreach (var evt in RevertEvents.For(p.Before, p.Plan.TargetState, newProcess: true, redefined: true))
            context.Events.Publish(Synthesized(evt));
    }

    internal static string StateName(DomainState state) => state.ToString().ToLowerInvariant();

    private void ReleaseEvents() => Interlocked.Exchange(ref _suppression, null)?.Dispose();

    private async Task AwaitRawAsync(string step, IReadOnlyList<DomainEventType> types, int mark)
    {
        if (_suppression is { } s && !await s.WaitForAsync(types, mark, RawEventWait).ConfigureAwait(false))
            Log.RawEventMissed(context.Logger, step, _name);
    }

    private DomainLifecycleEvent Synthesized(RevertEvent evt) => new(_name, dom.Uuid, evt.Type, evt.Detail, DateTimeOffset.UtcNow);

    // Puts the domain back on the disks it had, as far as it can, and says what it did.
    private async Task<Exception> RollBackAsync(ExternalRevertPlan plan, Exception failure)
    {
        // Subscribers learn that the guest was stopped, then see the rollback's own events.
        if (_stopped)
            context.Events.Publish(Synthesized(RevertEvents.Stopped));
        ReleaseEvents();
        var kind = failure is SnapshotException s ? s.Kind : ErrorClassifier.Classify(failure);
        var what = $"revert of domain '{_name}' to snapshot '{plan.Snapshot}' failed while {_run.Current.Doing}: {failure.Message}";
        if (_run.Ledger.Entries.Count == 0)
            return new SnapshotException(kind, what, failure);
        Log.RevertRollingBack(context.Logger, _name, plan.Snapshot, failure);
        var report = await _run.Ledger.RollBackAsync().ConfigureAwait(false);
        return new SnapshotException(kind, $"{what}; {report.Outcome("check it with virsh dominfo and virsh dumpxml")}", failure);
    }
}
