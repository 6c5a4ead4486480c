using System.Diagnostics;
using System.Globalization;
using Snapshot.Interop;

namespace Snapshot.Engine;

/// <summary>The instant snapshot's pause (the snapshot point) and its memory write.</summary>
internal sealed partial class InstantSnapshot
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan ShortPollInterval = TimeSpan.FromMilliseconds(5);
    private static readonly TimeSpan ResumeTimeout = TimeSpan.FromMilliseconds(1000);

    private string _pauseSource = "";
    private string _resumedBy = "";
    private string _resumeDetail = "";
    private bool _migrationCompleted;

    private PauseWatch? _watch;
    private IDisposable? _subscription;
    private readonly Stopwatch _clock = new();
    private DateTimeOffset _beforeSuspend;
    private DateTimeOffset _suspendedAt;
    private TimeSpan _suspended;

    /// <summary>Step 9, the snapshot point: the guest paused, its lifecycle events watched for the pause they measure.</summary>
    public async Task PauseAsync(CancellationToken ct)
    {
        _watch = new PauseWatch();
        _subscription = context.Connection.SubscribeLifecycle(dom, _watch.Observe);
        // No fsync inside the pause: the journal's writes wait until the guest runs again (CompletePointAsync
        // releases them). Recovery reads what happened meanwhile (paused, disks switched, migration) from the domain and QEMU.
        _run.Journal?.Hold();
        Timeline?.Mark("watching events");
        _clock.Restart();
        _beforeSuspend = DateTimeOffset.UtcNow;
        await _run.Run("pause", () =>
        {
            ct.ThrowIfCancellationRequested();
            dom.Suspend();
            _run.Ledger.Record("pause", "paused the guest", ResumeIfPaused, JournalFact.Of(JournalFacts.GuestPaused));
        }, ct).ConfigureAwait(false);
        _suspendedAt = DateTimeOffset.UtcNow;
        _suspended = _clock.Elapsed;
        Timeline?.Mark("suspended");
    }

    /// <summary>Steps 10-14: the disks switched and QEMU's write started inside the pause, the guest resumed as soon as that is safe.</summary>
    public async Task<SnapshotPoint> CompletePointAsync(CancellationToken ct)
    {
        var plan = _plan!;
        var watch = _watch!;
        var clock = _clock;
        try
        {
            // QEMU 7.2 restarts the vCPUs itself once its write tracking is on, so the disks must be on their
            // overlays before migrate. QEMU 8.2+ leaves the guest paused until the engine resumes it: migrate first,
            // and QEMU's pre-fault pass over all guest RAM runs while libvirt switches the disks, not after it.
            TimeSpan disksSwitched, migrateReturned;
            if (plan.QemuResumesGuest)
            {
                await SwitchDisksAsync("switch-disks", plan, ct).ConfigureAwait(false);
                disksSwitched = clock.Elapsed;
                await StartBackgroundSnapshotAsync(plan, ct).ConfigureAwait(false);
                migrateReturned = clock.Elapsed;
            }
            else
            {
                await StartBackgroundSnapshotAsync(plan, ct).ConfigureAwait(false);
                migrateReturned = clock.Elapsed;
                await SwitchDisksAsync("switch-disks-after-migrate", plan, ct).ConfigureAwait(false);
                disksSwitched = clock.Elapsed;
            }

            var resumedAt = await _run.RunAsync("wait-resume", async () =>
            {
                var at = await WaitResumedAsync(watch, clock).ConfigureAwait(false);
                _run.Journal?.Release(); // the guest runs: what the pause held back is written now
                return at;
            }, ct).ConfigureAwait(false);
            // QEMU truncated the file when migrate opened it and writes only past the header's room.
            if (plan.Transport == MemoryTransport.QemuOpensFile)
                await _run.Run("write-header-beside-stream", _memory!.WriteHeader, ct).ConfigureAwait(false);

            TimeSpan pause;
            DateTimeOffset takenAt;
            if (watch.Suspended is { } s && watch.Resumed is { } r && r >= s)
            {
                pause = r - s;
                takenAt = s;
                _pauseSource = "lifecycle events";
            }
            else
            {
                pause = resumedAt - _beforeSuspend;
                takenAt = _suspendedAt;
                _pauseSource = "engine timestamps (no lifecycle events)";
            }
            var steps = plan.QemuResumesGuest
                ? string.Create(CultureInfo.InvariantCulture,
                    $"disk-only snapshot {(disksSwitched - _suspended).TotalMilliseconds:0.0} ms, migrate {(migrateReturned - disksSwitched).TotalMilliseconds:0.0} ms, resumed by {_resumedBy} {(clock.Elapsed - migrateReturned).TotalMilliseconds:0.0} ms later")
                : string.Create(CultureInfo.InvariantCulture,
                    $"migrate {(migrateReturned - _suspended).TotalMilliseconds:0.0} ms, disk-only snapshot beside QEMU's pre-fault {(disksSwitched - migrateReturned).TotalMilliseconds:0.0} ms, resumed by {_resumedBy} {(clock.Elapsed - disksSwitched).TotalMilliseconds:0.0} ms later");
            var timing = string.Create(CultureInfo.InvariantCulture,
                $"pause: suspend {_suspended.TotalMilliseconds:0.0} ms, {steps} (engine clock){_resumeDetail}");
            Log.InstantStep(context.Logger, _domain, plan.Name, timing);
            if (Timeline is { } timeline)
                Log.InstantTimeline(context.Logger, _domain, plan.Name, timeline);
            _point = new SnapshotPoint(_domain, plan.Name, requestedAt, takenAt, pause);
            Log.InstantPointTaken(context.Logger, _domain, Name, (takenAt - requestedAt).TotalMilliseconds, pause.TotalMilliseconds, _pauseSource);
            pointTaken(_point);
            // What registering needs, journaled now: a process killed once the memory file is complete rolls forward with it.
            _registration = InstantXml.Registration(plan, takenAt, _instantXml);
            _run.Note(JournalFact.Of(JournalFacts.SnapshotDefinition, "name", plan.Name, "xml", _registration));
            return _point;
        }
        finally
        {
            _run.Journal?.Release();
            StopWatching();
        }
    }

    private Task SwitchDisksAsync(string step, InstantPlan plan, CancellationToken ct) =>
        _run.Run(step, () =>
        {
            var flags = SnapshotCreateFlags.DiskOnly | SnapshotCreateFlags.NoMetadata | SnapshotCreateFlags.Atomic;
            if (options.Modifiers.ReuseExternal || _run.Ledger.Has("create-overlays"))
                flags |= SnapshotCreateFlags.ReuseExt;
            _qemu.SwitchDisks(_diskOnlyXml, flags);
            _disksSwitched = true;
            var overlays = string.Join(", ", plan.ExternalDisks.Select(d => $"{d.Target}: {d.Overlay} (backing {d.Source})"));
            _run.Ledger.Record(step, $"the disks now run on overlays {overlays}",
                fact: JournalFact.Of(JournalFacts.DisksSwitched, [.. plan.ExternalDisks.SelectMany(d => new[] { d.Target, d.Overlay })]));
        }, ct);

    private Task StartBackgroundSnapshotAsync(InstantPlan plan, CancellationToken ct) =>
        _run.Run("start-background-snapshot", () =>
        {
            if (plan.Transport == MemoryTransport.QemuOpensFile)
                _qemu.MigrateToFile(_memory!.Path, _memory.StreamOffset);
            else
                _qemu.MigrateToFd(_fdName);
            _migrationStarted = true; // the migration owns the descriptor (or its own file) now
            _run.Ledger.Record("start-background-snapshot", "started QEMU's background snapshot", DrainMigrationAsync,
                JournalFact.Of(JournalFacts.MigrationStarted));
        }, ct);

    private void StopWatching()
    {
        _subscription?.Dispose();
        _subscription = null;
        _watch?.Dispose();
        _watch = null;
    }

    public void Dispose() => StopWatching();

    /// <summary>
    /// Resumes the guest; who did. QEMU 7.2 restarts it from its main loop, which can come just after a
    /// <c>query-status</c> that said paused: a resume refused then, with the guest running, was QEMU's, not a failure.
    /// </summary>
    private string ResumeUnlessRunning()
    {
        try
        {
            dom.Resume();
            return "the engine";
        }
        catch (LibvirtException) when (_plan!.QemuResumesGuest && dom.GetState().State == DomainState.Running)
        {
            return "QEMU";
        }
    }

    /// <summary>
    /// QEMU 7.2's background snapshot restarts the vCPUs itself once its RAM write tracking is on; QEMU 8.2 and
    /// later (10.0 on Debian 13) put back the run state the guest had before <c>migrate</c>, paused, and leave it
    /// so. Either way the snapshot point is safe once RAM pages flow into the stream: QEMU saves the device state
    /// and turns write tracking on under its big lock before it sends any page (bg_migration_thread). So: wait
    /// for QEMU's own resume or for the first page, whichever comes first, and resume the guest then if QEMU's
    /// vCPUs do not run. Bounded in milliseconds: past <see cref="ResumeTimeout"/> the step fails, and the
    /// rollback resumes the guest before anything else.
    /// </summary>
    private async Task<DateTimeOffset> WaitResumedAsync(PauseWatch watch, Stopwatch clock)
    {
        var deadline = clock.Elapsed + ResumeTimeout;
        var started = clock.Elapsed;
        for (var polls = 1; ; polls++)
        {
            if (watch.Resumed is not null)
            {
                _resumedBy = "QEMU";
                return watch.Resumed.Value;
            }
            var status = _qemu.QueryMigrate();
            if (status.Status is "failed" or "cancelled")
                throw new SnapshotException($"QEMU's background snapshot {status.Status} before resuming the guest: {FailureReason(status)}");
            if (status.Pages > 0 || status.Status == "completed")
            {
                var pagesSeen = clock.Elapsed;
                // QEMU 8.2 and later never restart the vCPUs themselves: asking whether they run would only lengthen the pause.
                if (_plan!.QemuResumesGuest && _qemu.QueryRunning())
                {
                    _resumedBy = "QEMU";
                }
                else
                {
                    _resumedBy = ResumeUnlessRunning();
                }
                // Where the wait goes: QEMU's first page (each poll one monitor round trip) or the resume after it.
                _resumeDetail = string.Create(CultureInfo.InvariantCulture,
                    $": first page seen at poll {polls}, {(pagesSeen - started).TotalMilliseconds:0.0} ms into the wait; {(_plan.QemuResumesGuest ? "query-status and resume" : "resume")} {(clock.Elapsed - pagesSeen).TotalMilliseconds:0.0} ms");
                // The event follows within moments; else our own clock stands in.
                return await watch.WaitResumedAsync(TimeSpan.FromMilliseconds(200)).ConfigureAwait(false)
                    ? watch.Resumed!.Value
                    : DateTimeOffset.UtcNow;
            }
            if (clock.Elapsed > deadline)
                throw new SnapshotException(string.Create(CultureInfo.InvariantCulture,
                    $"QEMU sent no RAM page within {ResumeTimeout.TotalMilliseconds:0} ms of starting the background snapshot (migration status {status.Status}), so its write tracking never came on"));
            await watch.WaitResumedAsync(TimeSpan.FromMilliseconds(2)).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// What QEMU said of a failed migration: query-migrate's error-desc, and QEMU's log lines since the pause (QEMU
    /// 7.2's bg_migration_thread fails some paths without an error-desc, and may say more on its stderr). The log is
    /// the hypervisor's: not read over a remote connection.
    /// </summary>
    private string FailureReason(MigrationStatus status)
    {
        var log = context.Files.IsRemote ? null : QemuLog.LinesSince(context.QemuLogDirectory, _domain, _beforeSuspend);
        var reason = status.Error ?? "no reason given";
        return log is null ? reason : $"{reason}; QEMU's log since the pause: {log}";
    }

    private async Task<long> WriteMemoryAsync(IProgress<SnapshotProgress>? progress, CancellationToken ct)
    {
        // Null when QEMU writes the file itself: then only QEMU's status tells.
        var relay = _memory!.Relay;
        while (true)
        {
            if (ct.IsCancellationRequested)
            {
                relay?.Abandon();
                ct.ThrowIfCancellationRequested();
            }
            if (relay?.Failure is { } failure)
                throw new SnapshotException($"writing the memory file failed after {QemuMigration.Describe(relay.StreamBytes)} of the stream: {failure.Message}", failure);
            var status = _qemu.QueryMigrate();
            progress?.Report(new SnapshotProgress(SnapshotPhase.Memory, status.Transferred, status.Total));
            switch (status.Status)
            {
                case "completed":
                    _migrationCompleted = true;
                    return status.Transferred;
                case "failed" or "cancelled":
                    throw new SnapshotException($"QEMU's background snapshot {status.Status} after {QemuMigration.Describe(status.Transferred)} of memory: {FailureReason(status)}");
            }
            try
            {
                // The relay reaches the end of the stream when QEMU closes the pipe, right after it completed:
                // wake up then rather than at the next poll.
                if (relay is null || relay.Completion.IsCompleted)
                    await Task.Delay(relay is null ? PollInterval : ShortPollInterval, ct).ConfigureAwait(false);
                else
                    await Task.WhenAny(relay.Completion, Task.Delay(PollInterval, ct)).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Handled at the top of the loop.
            }
        }
    }
}
