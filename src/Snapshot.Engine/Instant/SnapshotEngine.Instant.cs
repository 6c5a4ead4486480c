using System.Diagnostics;
using System.Globalization;
using System.Xml.Linq;
using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;
using Snapshot.Interop;

namespace Snapshot.Engine;

public sealed partial class SnapshotEngine
{
    private async Task<SnapshotInfo> CreateInstantAsync(string domain, SnapshotCreateOptions options,
        IProgress<SnapshotProgress>? progress, CancellationToken cancellationToken)
    {
        var requestedAt = DateTimeOffset.UtcNow;
        cancellationToken.ThrowIfCancellationRequested();
        using var dom = Domain(domain);
        CreateRules.CheckState(options.Modifiers, dom.IsActive);
        var run = new InstantSnapshotRun(this, dom, options, requestedAt);
        return await run.ExecuteAsync(progress, cancellationToken).ConfigureAwait(false);
    }

    private void RaiseSnapshotPointTaken(SnapshotPoint point) => SnapshotPointTaken?.Invoke(this, point);

    /// <summary>
    /// One instant snapshot: QEMU's background-snapshot migration into a libvirt save image, the disks
    /// frozen on overlays in the same pause, then the snapshot registered as a normal external one.
    /// Keeps track of what it changed so that any failure can put the domain back to running on a
    /// valid disk chain and say exactly what was left.
    /// </summary>
    private sealed class InstantSnapshotRun(SnapshotEngine engine, LibvirtDomain dom, SnapshotCreateOptions options, DateTimeOffset requestedAt)
    {
        private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);
        private static readonly TimeSpan ShortPollInterval = TimeSpan.FromMilliseconds(5);
        private static readonly TimeSpan ResumeTimeout = TimeSpan.FromMilliseconds(1000);
        private static readonly TimeSpan DrainTimeout = TimeSpan.FromMinutes(30);
        private static readonly TimeSpan RelayTimeout = TimeSpan.FromMinutes(5);

        private readonly QemuMigration _qemu = new(dom);
        private readonly ILogger _logger = engine._logger;
        private readonly string _domain = dom.Name;
        private readonly string _fdName = "vsnap-" + Guid.NewGuid().ToString("N");
        private InstantPlan? _plan;
        private string _step = "checking the host and the domain";
        private bool _backgroundWasOn;
        private long _bandwidthBefore;
        private bool _settingsChanged;
        private SafeFileHandle? _file;
        private bool _fileCreated;
        private bool _fileComplete;
        private bool _pausedByUs;
        private bool _overlaysCreated;
        private bool _fdGiven;
        private bool _migrationStarted;
        private SafeFileHandle? _pipeWrite;
        private MemoryRelay? _relay;
        private readonly List<string> _preCreated = [];

        private string Name => _plan?.Name ?? options.Name ?? "(unnamed)";

        public async Task<SnapshotInfo> ExecuteAsync(IProgress<SnapshotProgress>? progress, CancellationToken ct)
        {
            // Refusals before anything changes: these throw straight out.
            _plan = InstantPreflight.Check(dom, options, _qemu);
            var overlays = string.Join(", ", _plan.ExternalDisks.Select(d => $"{d.Target}={d.Overlay}"));
            Log.InstantPlanned(_logger, _domain, _plan.Name, _plan.MemoryFile, overlays);
            try
            {
                ct.ThrowIfCancellationRequested();
                EnableBackgroundSnapshot();
                CreateMemoryFile();
                StartRelay();
                await PreCreateOverlaysAsync(ct).ConfigureAwait(false);
                ct.ThrowIfCancellationRequested();

                var point = await TakeSnapshotPointAsync().ConfigureAwait(false);
                Log.InstantPointTaken(_logger, _domain, Name, (point.TakenAt - requestedAt).TotalMilliseconds,
                    point.GuestPause.TotalMilliseconds, _pauseSource);
                engine.RaiseSnapshotPointTaken(point);

                var written = await WriteMemoryAsync(progress, ct).ConfigureAwait(false);
                Log.InstantMemoryWritten(_logger, _domain, Name, written, (DateTimeOffset.UtcNow - point.TakenAt).TotalSeconds);
                _step = "waiting for the memory relay to reach the disk";
                var relayed = await _relay!.Completion.WaitAsync(RelayTimeout, CancellationToken.None).ConfigureAwait(false);
                Log.InstantRelayed(_logger, _domain, Name, relayed.StreamBytes, relayed.Direct, relayed.PipeBytes,
                    relayed.WaitingForWriter.TotalSeconds, relayed.WaitingForDisk.TotalSeconds);

                _step = "completing the memory file";
                SaveImageWriter.MarkComplete(_file!);
                _file!.Dispose();
                _fileComplete = true;
                RestoreMigrationSettings();

                // The memory is complete: registering takes milliseconds, and a cancel now would throw away
                // a finished snapshot.
                _step = "registering the snapshot in libvirt's metadata";
                using var snapshot = dom.CreateSnapshot(RegistrationXml(point.TakenAt), SnapshotCreateFlags.Redefine | SnapshotCreateFlags.Current);
                return Describe(snapshot);
            }
            catch (Exception e)
            {
                throw Fail(e, ct);
            }
        }

        private string _instantXml = "";
        private string _pauseSource = "";
        private string _resumedBy = "";

        private void EnableBackgroundSnapshot()
        {
            _step = "turning on QEMU's background-snapshot capability";
            _backgroundWasOn = _qemu.QueryCapabilities().TryGetValue(QemuMigration.BackgroundSnapshot, out var on) && on;
            _bandwidthBefore = _qemu.QueryMaxBandwidth();
            _settingsChanged = true;
            try
            {
                _qemu.SetCapability(QemuMigration.BackgroundSnapshot, true);
            }
            catch (QemuCommandException e)
            {
                var fix = InstantPreflight.UserfaultfdRestricted()
                    ? "; QEMU runs unprivileged and needs userfaultfd write-protect: run: sysctl -w vm.unprivileged_userfaultfd=1"
                    : "";
                throw new SnapshotException(SnapshotErrorKind.NotSupported,
                    $"QEMU refused the '{QemuMigration.BackgroundSnapshot}' capability: {e.Description}{fix}", e);
            }
            _step = "raising QEMU's migration bandwidth limit";
            _qemu.SetMaxBandwidth(QemuMigration.UnlimitedBandwidth);
        }

        private void CreateMemoryFile()
        {
            _step = "creating the memory file";
            var path = _plan!.MemoryFile;
            if (OperatingSystem.IsWindows())
                throw new PlatformNotSupportedException("instant snapshots need a Linux host");
            try
            {
                var stream = new FileStream(path, new FileStreamOptions
                {
                    Mode = FileMode.CreateNew, // O_CREAT|O_EXCL: never follows or reuses an existing file
                    Access = FileAccess.ReadWrite,
                    Share = FileShare.Read,
                    UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite, // it holds guest RAM
                });
                _file = stream.SafeFileHandle;
                _fileCreated = true;
                // Partial until the very end: libvirt refuses to restore a file with this magic.
                RandomAccess.Write(_file, SaveImageWriter.PartialMagic, 0);

                // Taken before the pause, which it would otherwise lengthen: nothing in the definition changes
                // between here and the pause but the disks, which the snapshot itself moves to the overlays.
                _step = "reading the domain definition of the snapshot instant";
                _instantXml = dom.GetXmlDesc(DomainXmlFlags.Migratable | DomainXmlFlags.Secure);
                _step = "writing the memory file's header";
                _header = SaveImageWriter.Build(_instantXml, wasRunning: true);
                RandomAccess.Write(_file, _header, 0);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new SnapshotException(SnapshotErrorKind.Failed, $"could not create the memory file {path}: {e.Message}", e);
            }
        }

        private byte[] _header = [];

        /// <summary>
        /// QEMU gets the write end of a pipe; the relay writes what comes out of it into the file with O_DIRECT,
        /// after the header. Handed to QEMU before the pause, which <c>getfd</c> would otherwise lengthen.
        /// </summary>
        private void StartRelay()
        {
            _step = "starting the memory relay";
            var (read, write) = MemoryRelay.CreatePipe();
            _pipeWrite = write;
            _relay = MemoryRelay.Start(_file!, _header.Length, read);

            _step = "handing the memory pipe to QEMU";
            _qemu.GetFd(write, _fdName);
            _fdGiven = true;
            _pipeWrite.Dispose(); // QEMU holds its own copy: the relay sees the end of the stream when QEMU closes it
            _pipeWrite = null;
        }

        /// <summary>
        /// Creates the qcow2 overlays before the pause (libvirt would create them inside it), so the disk-only
        /// snapshot only switches to them (REUSE_EXT). Not when the caller brings its own (--reuse-external) or
        /// asks for another overlay format.
        /// </summary>
        private async Task PreCreateOverlaysAsync(CancellationToken ct)
        {
            if (options.Modifiers.ReuseExternal || _plan!.ExternalDisks.Any(d => d.Driver != "qcow2"))
                return;
            _step = "creating the overlays";
            var formats = XElement.Parse(_instantXml).Element("devices")?.Elements("disk")
                .ToDictionary(d => (string?)d.Element("target")?.Attribute("dev") ?? "", d => (string?)d.Element("driver")?.Attribute("type") ?? "raw",
                    StringComparer.Ordinal) ?? [];
            var clock = Stopwatch.StartNew();
            foreach (var disk in _plan.ExternalDisks)
            {
                await OverlayImages.CreateAsync(disk.Overlay!, disk.Source!, formats.GetValueOrDefault(disk.Target, "raw"), ct).ConfigureAwait(false);
                _preCreated.Add(disk.Overlay!);
            }
            Log.InstantOverlaysPreCreated(_logger, _domain, _plan.Name, _preCreated.Count, clock.Elapsed.TotalMilliseconds);
        }

        private async Task<SnapshotPoint> TakeSnapshotPointAsync()
        {
            var plan = _plan!;
            using var watch = new PauseWatch();
            using var subscription = engine.Connection.SubscribeLifecycle(dom, watch.Observe);

            _step = "pausing the guest";
            var clock = Stopwatch.StartNew();
            var beforeSuspend = DateTimeOffset.UtcNow;
            dom.Suspend();
            _pausedByUs = true;
            var suspendedAt = DateTimeOffset.UtcNow;

            var suspended = clock.Elapsed;

            _step = "putting the disks on overlays";
            var flags = SnapshotCreateFlags.DiskOnly | SnapshotCreateFlags.NoMetadata | SnapshotCreateFlags.Atomic;
            if (options.Modifiers.ReuseExternal || _preCreated.Count > 0)
                flags |= SnapshotCreateFlags.ReuseExt;
            dom.CreateSnapshot(DiskOnlyXml(plan), flags).Dispose();
            _overlaysCreated = true;
            var disksSwitched = clock.Elapsed;

            _step = "starting QEMU's background snapshot";
            _qemu.MigrateToFd(_fdName);
            _fdGiven = false; // the migration owns it now
            _migrationStarted = true;
            var migrateReturned = clock.Elapsed;

            _step = "waiting for QEMU's RAM write tracking";
            var resumedAt = await WaitResumedAsync(watch, clock).ConfigureAwait(false);
            _pausedByUs = false;

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
                pause = resumedAt - beforeSuspend;
                takenAt = suspendedAt;
                _pauseSource = "engine timestamps (no lifecycle events)";
            }
            var timing = string.Create(CultureInfo.InvariantCulture,
                $"pause: suspend {suspended.TotalMilliseconds:0.0} ms, disk-only snapshot {(disksSwitched - suspended).TotalMilliseconds:0.0} ms, " +
                $"migrate {(migrateReturned - disksSwitched).TotalMilliseconds:0.0} ms, resumed by {_resumedBy} {(clock.Elapsed - migrateReturned).TotalMilliseconds:0.0} ms later (engine clock)");
            Log.InstantStep(_logger, _domain, plan.Name, timing);
            return new SnapshotPoint(_domain, plan.Name, requestedAt, takenAt, pause);
        }

        /// <summary>
        /// QEMU 7.2's background snapshot restarts the vCPUs itself once its RAM write tracking is on; QEMU 8.2
        /// and later (10.0 here) put back the run state the guest had before <c>migrate</c>, paused, and leave it
        /// so. Either way the snapshot point is safe once RAM pages flow into the stream: QEMU saves the device
        /// state and turns write tracking on under its big lock before sending any page (bg_migration_thread).
        /// So: wait for QEMU's own resume or for the first page, whichever comes first, and resume the guest
        /// then if QEMU did not. Bounded in milliseconds: past <see cref="ResumeTimeout"/> the run fails and
        /// <see cref="Fail"/> resumes the guest at once.
        /// </summary>
        private async Task<DateTimeOffset> WaitResumedAsync(PauseWatch watch, Stopwatch clock)
        {
            var deadline = clock.Elapsed + ResumeTimeout;
            while (true)
            {
                if (watch.Resumed is not null)
                    return watch.Resumed.Value;
                var status = _qemu.QueryMigrate();
                if (status.Status is "failed" or "cancelled")
                    throw new SnapshotException($"QEMU's background snapshot {status.Status} before resuming the guest: {status.Error ?? "no reason given"}");
                if (status.Pages > 0 || status.Status == "completed")
                {
                    if (_qemu.QueryRunning())
                    {
                        // QEMU resumed it (7.2): its event follows within moments, else our clock stands in.
                        _resumedBy = "QEMU";
                        return await watch.WaitResumedAsync(TimeSpan.FromMilliseconds(200)).ConfigureAwait(false)
                            ? watch.Resumed!.Value
                            : DateTimeOffset.UtcNow;
                    }
                    _step = "resuming the guest once QEMU tracks its RAM writes";
                    dom.Resume();
                    _resumedBy = "the engine";
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

        private async Task<long> WriteMemoryAsync(IProgress<SnapshotProgress>? progress, CancellationToken ct)
        {
            _step = "writing the guest's memory";
            while (true)
            {
                if (ct.IsCancellationRequested)
                {
                    _step = "writing the guest's memory (cancelled)";
                    _relay!.Abandon();
                    ct.ThrowIfCancellationRequested();
                }
                if (_relay!.Failure is { } failure)
                {
                    _step = "writing the guest's memory to the file";
                    throw new SnapshotException($"writing the memory file failed after {QemuMigration.Describe(_relay.StreamBytes)} of the stream: {failure.Message}", failure);
                }
                var status = _qemu.QueryMigrate();
                progress?.Report(new SnapshotProgress("memory", status.Transferred, status.Total));
                switch (status.Status)
                {
                    case "completed":
                        return status.Transferred;
                    case "failed" or "cancelled":
                        throw new SnapshotException($"QEMU's background snapshot {status.Status} after {QemuMigration.Describe(status.Transferred)} of memory: {status.Error ?? "no reason given"}");
                }
                try
                {
                    // The relay reaches the end of the stream when QEMU closes the pipe, right after it completed:
                    // wake up then rather than at the next poll.
                    if (_relay.Completion.IsCompleted)
                        await Task.Delay(ShortPollInterval, ct).ConfigureAwait(false);
                    else
                        await Task.WhenAny(_relay.Completion, Task.Delay(PollInterval, ct)).ConfigureAwait(false);
                    ct.ThrowIfCancellationRequested();
                }
                catch (OperationCanceledException)
                {
                    // Handled at the top of the loop, where the step is named.
                }
            }
        }

        private string RegistrationXml(DateTimeOffset takenAt)
        {
            var plan = _plan!;
            var root = new XElement("domainsnapshot",
                new XElement("name", plan.Name),
                plan.Description is null ? null : new XElement("description", plan.Description),
                new XElement("state", "running"),
                new XElement("creationTime", takenAt.ToUnixTimeSeconds()),
                new XElement("memory", new XAttribute("snapshot", "external"), new XAttribute("file", plan.MemoryFile)),
                new XElement("disks", plan.Disks.Select(d => d.External
                    ? new XElement("disk", new XAttribute("name", d.Target), new XAttribute("snapshot", "external"), new XAttribute("type", "file"),
                        new XElement("driver", new XAttribute("type", d.Driver)),
                        new XElement("source", new XAttribute("file", d.Overlay!)))
                    : new XElement("disk", new XAttribute("name", d.Target), new XAttribute("snapshot", "no")))),
                plan.Parent is null ? null : new XElement("parent", new XElement("name", plan.Parent)),
                XElement.Parse(_instantXml));
            return root.ToString();
        }

        private static string DiskOnlyXml(InstantPlan plan) => SnapshotXmlWriter.Build(new SnapshotCreateOptions
        {
            Name = plan.Name,
            Memory = new MemorySpec("no", null),
            Disks = plan.Disks.Select(d => d.External
                ? new DiskSpec(d.Target, "external", d.Driver, "file", d.Overlay)
                : new DiskSpec(d.Target, "no")).ToList(),
        });

        private void RestoreMigrationSettings()
        {
            if (!_settingsChanged)
                return;
            _settingsChanged = false;
            Try("restoring QEMU's migration bandwidth", () => _qemu.SetMaxBandwidth(_bandwidthBefore));
            if (!_backgroundWasOn)
                Try("turning QEMU's background-snapshot capability off", () => _qemu.SetCapability(QemuMigration.BackgroundSnapshot, false));
        }

        /// <summary>Undoes what can be undone, then describes the failure and exactly what it left.</summary>
        private Exception Fail(Exception cause, CancellationToken ct)
        {
            var cancelled = cause is OperationCanceledException && ct.IsCancellationRequested;
            var failedStep = _step;
            Log.InstantFailed(_logger, _domain, Name, failedStep, cause.Message);
            var left = new List<string>();

            // The domain must be left running, and at once: a background snapshot that is let run to its end
            // (below) runs beside a running guest, never with it paused.
            string running;
            try
            {
                if (dom.GetState().State == DomainState.Paused && (_pausedByUs || _migrationStarted))
                    dom.Resume();
                running = dom.GetState().State == DomainState.Running
                    ? "the domain is running"
                    : $"the domain is {dom.GetState().State.ToString().ToLowerInvariant()}";
            }
            catch (LibvirtException e)
            {
                running = $"the domain could not be resumed ({e.Message}): run virsh resume {_domain}";
            }

            if (_migrationStarted)
                StopMigration(left);
            if (_fdGiven)
                Try("closing the descriptor handed to QEMU", () => _qemu.CloseFd(_fdName));
            _pipeWrite?.Dispose();
            WaitForRelay();
            left.Add(running);


            _file?.Dispose();
            if (_fileCreated && !_fileComplete)
            {
                try
                {
                    File.Delete(_plan!.MemoryFile);
                    left.Add($"the partial memory file {_plan.MemoryFile} was deleted");
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    left.Add($"the partial memory file {_plan!.MemoryFile} could not be deleted ({e.Message}); its magic says partial, so libvirt will not restore it");
                }
            }
            else if (_fileComplete)
            {
                left.Add($"the memory file {_plan!.MemoryFile} is complete (it can be registered with snapshot-create --redefine)");
            }

            RestoreMigrationSettings();

            if (_overlaysCreated)
            {
                var overlays = string.Join(", ", _plan!.ExternalDisks.Select(d => $"{d.Target}: {d.Overlay} (backing {d.Source})"));
                left.Add($"the disks now run on overlays {overlays}");
            }
            else
            {
                foreach (var overlay in _preCreated)
                {
                    try
                    {
                        File.Delete(overlay);
                    }
                    catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                    {
                        left.Add($"the overlay {overlay} made for the snapshot could not be deleted ({e.Message})");
                    }
                }
                left.Add("the disks are unchanged");
            }
            left.Add("no snapshot was recorded");

            var what = cancelled ? "was cancelled" : "failed";
            var reason = cancelled ? "" : ": " + Reason(cause);
            var message = $"instant snapshot '{Name}' of '{_domain}' {what} while {failedStep}{reason}. Left: {string.Join("; ", left)}.";
            if (cancelled)
                return new OperationCanceledException(message, cause, ct);
            var kind = cause is SnapshotException s ? s.Kind : ErrorClassifier.Classify(cause);
            if (kind is SnapshotErrorKind.BadInput or SnapshotErrorKind.NotFound or SnapshotErrorKind.Cancelled)
                kind = SnapshotErrorKind.Failed;
            if (cause is SnapshotException { Kind: SnapshotErrorKind.NotSupported })
                kind = SnapshotErrorKind.NotSupported;
            return new SnapshotException(kind, message, cause);
        }

        // The file must not be deleted (nor its handle closed) under the relay: once QEMU's end is closed it
        // reads the end of the stream and stops.
        private void WaitForRelay()
        {
            if (_relay is null)
                return;
            try
            {
                if (!_relay.Completion.Wait(RelayTimeout))
                    Log.InstantCleanupFailed(_logger, _domain, "waiting for the memory relay", "it did not stop in time");
            }
            catch (AggregateException e)
            {
                Log.InstantCleanupFailed(_logger, _domain, "the memory relay", e.InnerException?.Message ?? e.Message);
            }
        }

        private static string Reason(Exception e) => e switch
        {
            LibvirtException l => l.Message,
            _ => e.Message,
        };

        // QEMU 7.2's migrate_cancel of a background snapshot leaves the vCPUs stuck on write-protected pages
        // (seen here every time: the guest stops making progress for good). So a failed or cancelled instant
        // snapshot lets QEMU's write run to its end and then throws the file away; the guest runs meanwhile.
        private void StopMigration(List<string> left)
        {
            try
            {
                var clock = Stopwatch.StartNew();
                var status = _qemu.QueryMigrate();
                while (status.IsActive && clock.Elapsed < DrainTimeout)
                {
                    Thread.Sleep(50);
                    status = _qemu.QueryMigrate();
                }
                if (status.IsActive)
                    left.Add($"QEMU's background snapshot is still writing after {DrainTimeout.TotalMinutes:0} min (status {status.Status})");
                else
                    left.Add($"QEMU's background snapshot was let run to its end ({status.Status}), as cancelling it stalls the guest on QEMU 7.2");
            }
            catch (Exception e) when (e is LibvirtException or QemuCommandException)
            {
                left.Add($"QEMU's background snapshot state is unknown ({e.Message})");
            }
        }

        private void Try(string step, Action action)
        {
            try
            {
                action();
            }
            catch (Exception e) when (e is LibvirtException or QemuCommandException)
            {
                Log.InstantCleanupFailed(_logger, _domain, step, e.Message);
            }
        }
    }

    /// <summary>The SUSPENDED and RESUMED lifecycle events around the snapshot point, with their times.</summary>
    private sealed class PauseWatch : IDisposable
    {
        private readonly Lock _gate = new();
        private readonly SemaphoreSlim _resumed = new(0);

        public DateTimeOffset? Suspended { get; private set; }
        public DateTimeOffset? Resumed { get; private set; }

        public void Observe(DomainLifecycleEvent e)
        {
            lock (_gate)
            {
                if (e.Type == DomainEventType.Suspended && Suspended is null)
                {
                    Suspended = e.Time;
                }
                else if (e.Type == DomainEventType.Resumed && Suspended is not null && Resumed is null)
                {
                    Resumed = e.Time;
                    _resumed.Release();
                }
            }
        }

        public Task<bool> WaitResumedAsync(TimeSpan timeout) => _resumed.WaitAsync(timeout);

        public void Dispose() => _resumed.Dispose();
    }
}
