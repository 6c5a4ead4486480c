using Snapshot.Interop;

namespace Snapshot.Engine;

/// <summary>The instant snapshot's steps 2-8 (QEMU's capability and the memory file, made while the guest runs) and its bandwidth, raised after the point.</summary>
internal sealed partial class InstantSnapshot
{
    /// <summary>Steps 2-8: everything the pause needs ready, the guest still running.</summary>
    public async Task PrepareAsync(CancellationToken ct)
    {
        var plan = _plan!;
        ct.ThrowIfCancellationRequested();
        // No fsync on the way to the snapshot point: the journal becomes durable once the guest runs again.
        _run.Journal?.DeferDurability();
        // The overlays (each a header written and flushed here, or a qemu-img run on another backing format)
        // are made beside steps 2-7, which wait on QEMU; step 8 waits for them and records them.
        var overlays = StartOverlays(ct);
        _memory = new InstantMemoryFile(plan.MemoryFile, context.Logger, _domain,
            plan.Transport == MemoryTransport.QemuOpensFile ? context.Files : null);
        // What the memory file needs that changes nothing outside this process runs beside step 2, which waits
        // on QEMU's monitor; the steps that need it wait for it in their declared order.
        var early = StartMemoryWork(plan.Transport);
        Task<Version>? version = null;
        try
        {
            await _run.Run("enable-background-snapshot", EnableBackgroundSnapshot, ct).ConfigureAwait(false);
            Timeline?.Mark("capability set");
            // The pause's order depends on it (QemuResumesGuest); its round trip runs beside the memory file's local steps.
            if (plan.QemuVersion is null)
                version = Task.Run(_qemu.QueryVersion, CancellationToken.None);
            await _run.RunAsync("create-memory-file", () => CreateMemoryFileAsync(ct), ct).ConfigureAwait(false);
            Timeline?.Mark("memory file created");
            // Taken before the pause, which it would otherwise lengthen: nothing in the definition changes
            // between here and the pause but the disks, which the snapshot itself moves to the overlays.
            _instantXml = await _run.RunAsync("read-definition", () => early.Definition, ct).ConfigureAwait(false);
            _memory.BuildHeader(_instantXml);
            if (plan.Transport == MemoryTransport.Pipe)
            {
                await _run.Run("write-header", _memory.WriteHeader, ct).ConfigureAwait(false);
                // QEMU gets the write end of a pipe; the relay writes what comes out of it into the file with O_DIRECT,
                // after the header. Handed to QEMU before the pause, which getfd would otherwise lengthen.
                await _run.RunAsync("start-relay", async () =>
                {
                    await early.Pipe.ConfigureAwait(false);
                    StartRelay();
                }, ct).ConfigureAwait(false);
                Timeline?.Mark("relay started");
                await _run.Run("hand-pipe-to-qemu", HandPipeToQemu, ct).ConfigureAwait(false);
            }
            // Else QEMU opens the file itself at migrate, truncating it: the header is written once migrate returned.
            Timeline?.Mark("memory file ready");
            await _run.RunAsync("create-overlays", () => RecordOverlaysAsync(overlays), ct).ConfigureAwait(false);
            Timeline?.Mark("overlays made");
            // Built here, not in the pause: the first snapshot of a process would otherwise compile the XML writer there.
            _diskOnlyXml = InstantXml.DiskOnly(plan);
            if (version is not null)
                _plan = plan with { QemuVersion = await version.ConfigureAwait(false) };
        }
        catch
        {
            // Nothing may still use the connection or the pipe once the rollback starts: the early work is waited for,
            // and the version's question.
            await SettleMemoryWorkAsync(early).ConfigureAwait(false);
            if (version is not null)
                await ((Task)version).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            // The rollback deletes what was made; it waits for the overlays first, never deleting one while it is made.
            await RecordOverlaysAsync(overlays, rethrow: false).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// The definition of the snapshot instant read, and the memory pipe made with its drain guard's process and the
    /// relay's thread, each on a pool thread: neither touches the guest, QEMU or a file, so a failure before their
    /// steps only closes the pipe.
    /// </summary>
    private (Task<string> Definition, Task Pipe) StartMemoryWork(MemoryTransport transport)
    {
        var memory = _memory!;
        var pipe = transport == MemoryTransport.Pipe ? Task.Run(memory.OpenPipe, CancellationToken.None) : Task.CompletedTask;
        var definition = Task.Run(() => dom.GetXmlDesc(DomainXmlFlags.Migratable | DomainXmlFlags.Secure), CancellationToken.None);
        return (definition, pipe);
    }

    private async Task SettleMemoryWorkAsync((Task<string> Definition, Task Pipe) early)
    {
        // Their failures are the steps' that wait for them; one whose step never ran has nothing to say.
        await Task.WhenAll(early.Definition, early.Pipe).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _memory!.ClosePipe();
    }

    private void EnableBackgroundSnapshot()
    {
        // What the preflight saw: nothing between it and here touches QEMU's capabilities.
        var wasOn = _plan!.BackgroundSnapshotOn;
        try
        {
            _qemu.SetCapability(QemuMigration.BackgroundSnapshot, true);
        }
        catch (QemuCommandException e) when (InstantPreflight.IsMigrationActive(e))
        {
            throw InstantPreflight.MigrationInProgress(_domain, e);
        }
        catch (QemuCommandException e)
        {
            var fix = InstantPreflight.UserfaultfdRestricted()
                ? "; QEMU runs unprivileged and needs userfaultfd write-protect: run: sysctl -w vm.unprivileged_userfaultfd=1"
                : "";
            throw new SnapshotException(SnapshotErrorKind.NotSupported,
                $"QEMU refused the '{QemuMigration.BackgroundSnapshot}' capability: {e.Description}{fix}", e);
        }
        if (wasOn)
            return;
        _capabilityToRestore = false;
        _run.Ledger.Record("enable-background-snapshot", "turned QEMU's background-snapshot capability on", RestoreCapabilityAsync,
            JournalFacts.Setting(QemuMigration.BackgroundSnapshot, "off"));
    }

    /// <summary>
    /// Step 15, once the guest runs again: QEMU applies the limit to the stream already running, so its two monitor round
    /// trips stay off the way to the point. A limit that cannot be raised only slows the write: said, not a failure.
    /// </summary>
    public Task RaiseBandwidthAsync(CancellationToken ct) => _run.Run("raise-bandwidth", () =>
    {
        try
        {
            var before = _qemu.QueryMaxBandwidth();
            _qemu.SetMaxBandwidth(QemuMigration.UnlimitedBandwidth);
            _bandwidthToRestore = before;
            _run.Ledger.Record("raise-bandwidth", "raised QEMU's migration bandwidth limit", RestoreBandwidthAsync,
                JournalFacts.Setting(QemuMigration.MaxBandwidth, before));
        }
        catch (QemuCommandException e)
        {
            Log.InstantBandwidthKept(context.Logger, _domain, Name, e.Message);
        }
    }, ct);

    private async Task CreateMemoryFileAsync(CancellationToken ct)
    {
        // Where QEMU opens it itself, as its own user: that user must be able to write it (given back once complete).
        if (_plan!.Transport == MemoryTransport.QemuOpensFile)
            await _memory!.CreateForQemuAsync(_plan.QemuOwner, ct).ConfigureAwait(false);
        else
            _memory!.Create();
        _run.Ledger.Record("create-memory-file", $"created the partial memory file {_memory.Path}", report =>
        {
            _memory.Discard(report, evenComplete: _registrationUndone);
            return Task.CompletedTask;
        }, JournalFacts.Created(_memory.Path, JournalFacts.MemoryRole));
        if (_plan.Transport == MemoryTransport.QemuOpensFile)
            _run.Note(JournalFact.Of(JournalFacts.QemuOpensFile, "path", _memory.Path));
    }

    private void StartRelay()
    {
        _memory!.StartRelay();
        _run.Ledger.Record("start-relay", "started the memory relay", _ => _memory.StopRelayAsync());
    }

    private void HandPipeToQemu()
    {
        _qemu.GetFd(_memory!.PipeWriteEnd!, _fdName);
        _memory.ReleasePipe();
        _run.Ledger.Record("hand-pipe-to-qemu", "handed the memory pipe to QEMU", _ =>
        {
            // Once the migration started it owns the descriptor.
            if (!_migrationStarted)
                Try("closing the descriptor handed to QEMU", () => _qemu.CloseFd(_fdName));
            return Task.CompletedTask;
        }, JournalFact.Of(JournalFacts.QemuFd, "name", _fdName));
    }
}
