using Snapshot.Interop;

namespace Snapshot.Engine;

/// <summary>
/// One instant snapshot: QEMU's background-snapshot migration into a libvirt save image, the disks frozen on
/// overlays in the same pause, then the snapshot registered as a normal external one. Each step records in
/// the ledger what it changed and how to undo it, so that any failure puts the domain back to running on a
/// valid disk chain and says exactly what was undone and what was left.
/// </summary>
internal sealed partial class InstantSnapshot(EngineContext context, LibvirtDomain dom, SnapshotCreateOptions options,
    DateTimeOffset requestedAt, Action<SnapshotPoint> pointTaken, OperationJournal? journal = null) : IDisposable
{
    public static readonly StepSequence Sequence = new("instant-create",
        new StepDefinition("preflight", "checking the host and the domain"),
        new StepDefinition("enable-background-snapshot", "turning on QEMU's background-snapshot capability"),
        new StepDefinition("create-memory-file", "creating the memory file"),
        new StepDefinition("read-definition", "reading the domain definition of the snapshot instant"),
        new StepDefinition("write-header", "writing the memory file's header"),
        new StepDefinition("start-relay", "starting the memory relay"),
        new StepDefinition("hand-pipe-to-qemu", "handing the memory pipe to QEMU"),
        new StepDefinition("create-overlays", "creating the overlays"),
        new StepDefinition("pause", "pausing the guest"),
        new StepDefinition("switch-disks", "putting the disks on overlays"),
        new StepDefinition("start-background-snapshot", "starting QEMU's background snapshot"),
        new StepDefinition("switch-disks-after-migrate", "putting the disks on overlays while QEMU sets up its write"),
        new StepDefinition("wait-resume", "waiting for QEMU's RAM write tracking to resume the guest"),
        new StepDefinition("write-header-beside-stream", "writing the memory file's header beside QEMU's stream"),
        new StepDefinition("raise-bandwidth", "raising QEMU's migration bandwidth limit for the memory write"),
        new StepDefinition("write-memory", "writing the guest's memory"),
        new StepDefinition("finish-relay", "waiting for the memory relay to reach the disk"),
        new StepDefinition("complete-memory-file", "completing the memory file"),
        new StepDefinition("restore-migration-settings", "restoring QEMU's migration settings"),
        new StepDefinition("collapse-huge-pages", "putting the guest's RAM back on huge pages"),
        new StepDefinition("register", "registering the snapshot in libvirt's metadata"),
        new StepDefinition("describe", "reading back the registered snapshot"));

    private static readonly TimeSpan DrainTimeout = TimeSpan.FromMinutes(30);
    private static readonly TimeSpan DrainPoll = TimeSpan.FromMilliseconds(50);

    private readonly QemuMigration _qemu = new(context.Qemu(dom));
    // A group member's run writes its own journal; a single snapshot's, the journal of the call that holds the lock.
    private readonly OperationRun _run = context.StartRun(Sequence, dom.Name, journal);
    private readonly string _domain = dom.Name;
    private readonly string _fdName = "vsnap-" + Guid.NewGuid().ToString("N");
    private InstantPlan? _plan;
    private InstantMemoryFile? _memory;
    private string _instantXml = "";
    private string _diskOnlyXml = "";
    private bool? _capabilityToRestore;
    private long? _bandwidthToRestore;
    private bool _disksSwitched;
    private bool _migrationStarted;
    private SnapshotPoint? _point;
    private string _registration = "";
    private bool _registrationUndone;

    /// <summary>A member of a group snapshot: its registration is undone when another member fails.</summary>
    public bool InGroup { get; init; }

    /// <summary>The domain's name.</summary>
    public string Domain => _domain;

    /// <summary>The domain's UUID.</summary>
    public Guid Uuid => dom.Uuid;

    /// <summary>The plan the preflight settled (null before it).</summary>
    public InstantPlan? Plan => _plan;

    private string Name => _plan?.Name ?? options.Name ?? "(unnamed)";

    // Where the time from the request to the point goes (a group's members share one call: not theirs).
    private CallTimeline? Timeline => InGroup ? null : context.Timeline;

    public async Task<SnapshotInfo> RunAsync(IProgress<SnapshotProgress>? progress, CancellationToken ct)
    {
        // Refusals before anything changes: these throw straight out.
        await PreflightAsync(ct).ConfigureAwait(false);
        try
        {
            await PrepareAsync(ct).ConfigureAwait(false);
            await PauseAsync(ct).ConfigureAwait(false);
            await CompletePointAsync(ct).ConfigureAwait(false);
            await RaiseBandwidthAsync(ct).ConfigureAwait(false);
            await WriteAsync(progress, ct).ConfigureAwait(false);
            return await RegisterAsync().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            throw await FailAsync(e, ct).ConfigureAwait(false);
        }
    }

    /// <summary>Step 1: the checks; a refusal changes nothing and is thrown as it is.</summary>
    public async Task PreflightAsync(CancellationToken ct)
    {
        _plan = await _run.Run("preflight", () => InstantPreflight.Check(dom, options, _qemu, context.Files, context.QemuOpensMemoryFile), ct).ConfigureAwait(false);
        var overlays = string.Join(", ", _plan.ExternalDisks.Select(d => $"{d.Target}={d.Overlay}"));
        Log.InstantPlanned(context.Logger, _domain, _plan.Name, _plan.MemoryFile, overlays, _plan.Transport);
        Timeline?.Mark("preflight done");
    }

    /// <summary>Steps 16-20: the memory written and completed, QEMU's settings put back, the guest RAM on huge pages again.</summary>
    public async Task WriteAsync(IProgress<SnapshotProgress>? progress, CancellationToken ct)
    {
        var takenAt = _point!.TakenAt;
        var written = await _run.RunAsync("write-memory", () => WriteMemoryAsync(progress, ct), ct).ConfigureAwait(false);
        Log.InstantMemoryWritten(context.Logger, _domain, Name, written, (DateTimeOffset.UtcNow - takenAt).TotalSeconds);
        var memory = _memory!;
        if (_plan!.Transport == MemoryTransport.Pipe)
        {
            var relayed = await _run.RunAsync("finish-relay", memory.FinishRelayAsync, ct).ConfigureAwait(false);
            Log.InstantRelayed(context.Logger, _domain, Name, relayed.StreamBytes, relayed.Direct, relayed.PipeBytes,
                relayed.WaitingForWriter.TotalSeconds, relayed.WaitingForDisk.TotalSeconds);
        }
        await _run.Run("complete-memory-file", () =>
        {
            if (_plan.Transport == MemoryTransport.QemuOpensFile)
                memory.CheckWrittenByQemu();
            memory.MarkComplete();
            if (_plan.QemuOwner is not null)
                memory.Reclaim();
            _run.Note(JournalFact.Of(JournalFacts.MemoryComplete, "path", memory.Path));
        }, ct).ConfigureAwait(false);
        await _run.Run("restore-migration-settings", () => RestoreMigrationSettings(null), ct).ConfigureAwait(false);
        // Never a reason to lose the finished snapshot: the step cannot fail and a cancel only cuts it short.
        await _run.Run("collapse-huge-pages", () => CollapseHugePages(ct), CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>Steps 21-22. The memory is complete: registering takes milliseconds, and a cancel now would throw away a finished snapshot.</summary>
    public async Task<SnapshotInfo> RegisterAsync()
    {
        using var snapshot = await _run.Run("register", () => Register(_registration), CancellationToken.None).ConfigureAwait(false);
        return await _run.Run("describe", () => EngineContext.Describe(snapshot), CancellationToken.None).ConfigureAwait(false);
    }

    private LibvirtDomainSnapshot Register(string registration)
    {
        var snapshot = dom.CreateSnapshot(registration, SnapshotCreateFlags.Redefine | SnapshotCreateFlags.Current);
        var registered = JournalFact.Of(JournalFacts.SnapshotRegistered, "name", _plan!.Name);
        if (InGroup)
            _run.Ledger.Record("register", $"recorded the snapshot '{_plan.Name}' in libvirt's metadata", UnregisterAsync, registered);
        else
            _run.Ledger.Record("register", $"the snapshot '{_plan.Name}' was recorded in libvirt's metadata", fact: registered);
        return snapshot;
    }

    // Each undo puts back its own setting: the bandwidth's runs before the migration is drained (QEMU takes a limit
    // during a migration), the capability's after it (QEMU refuses capabilities while one runs).
    private Task RestoreCapabilityAsync(RollbackReport report)
    {
        RestoreCapability(report);
        return Task.CompletedTask;
    }

    private Task RestoreBandwidthAsync(RollbackReport report)
    {
        RestoreBandwidth(report);
        return Task.CompletedTask;
    }

    /// <summary>Puts QEMU's migration settings back, once each: from the forward step or from the ledger's undos.</summary>
    private void RestoreMigrationSettings(RollbackReport? report)
    {
        RestoreBandwidth(report);
        RestoreCapability(report);
    }

    private void RestoreBandwidth(RollbackReport? report)
    {
        if (_bandwidthToRestore is not { } bandwidth)
            return;
        _bandwidthToRestore = null;
        if (Try("restoring QEMU's migration bandwidth", () => _qemu.SetMaxBandwidth(bandwidth)) is not { } error)
            report?.Undone.Add("QEMU's migration bandwidth limit was restored");
        else
            report?.Left.Add($"QEMU's migration bandwidth limit could not be restored to {bandwidth} bytes/s ({error}): " +
                $"virsh qemu-monitor-command {_domain} '{QemuMigration.SetMaxBandwidthCommand(bandwidth)}'");
    }

    private void RestoreCapability(RollbackReport? report)
    {
        if (_capabilityToRestore is not { } state)
            return;
        _capabilityToRestore = null;
        if (Try("turning QEMU's background-snapshot capability off", () => _qemu.SetCapability(QemuMigration.BackgroundSnapshot, state)) is not { } error)
            report?.Undone.Add("QEMU's background-snapshot capability was turned off");
        else
            report?.Left.Add($"QEMU's background-snapshot capability could not be turned off ({error}): virsh qemu-monitor-command {_domain} " +
                $"'{QemuMigration.SetCapabilitiesCommand([(QemuMigration.BackgroundSnapshot, state)])}'");
    }

    /// <summary>Runs a cleanup QEMU or libvirt may refuse: null when done, else the refusal (logged).</summary>
    private string? Try(string step, Action action)
    {
        try
        {
            action();
            return null;
        }
        catch (Exception e) when (e is LibvirtException or QemuCommandException)
        {
            Log.InstantCleanupFailed(context.Logger, _domain, step, e.Message);
            return e.Message;
        }
    }
}
