using System.Diagnostics;
using Snapshot.Interop;

namespace Snapshot.Engine;

/// <summary>The instant snapshot's failure: the undos that only it has, and the one message saying what was undone and left.</summary>
internal sealed partial class InstantSnapshot
{
    /// <summary>Runs the ledger's undos in reverse, then describes the failure and exactly what it undid and left.</summary>
    private async Task<Exception> FailAsync(Exception cause, CancellationToken ct)
    {
        var cancelled = cause is OperationCanceledException && ct.IsCancellationRequested;
        var failedStep = FailedStep;
        Log.InstantFailed(context.Logger, _domain, Name, failedStep, cause.Message);
        var (undone, left) = await RollBackAsync().ConfigureAwait(false);

        var what = cancelled ? "was cancelled" : "failed";
        var reason = cancelled ? "" : ": " + cause.Message;
        var undoneText = undone.Count > 0 ? $" Undone: {string.Join("; ", undone)}." : "";
        var message = $"instant snapshot '{Name}' of '{_domain}' {what} while {failedStep}{reason}.{undoneText} Left: {string.Join("; ", left)}.";
        if (cancelled)
            return new OperationCanceledException(message, cause, ct);
        return new SnapshotException(FailureKind(cause), message, cause);
    }

    /// <summary>The words of the step running now, or the one that failed.</summary>
    public string FailedStep => _run.Current.Doing;

    /// <summary>The kind of a failure after the checks: NotSupported when the cause was, else Failed.</summary>
    internal static SnapshotErrorKind FailureKind(Exception cause)
    {
        var kind = ErrorClassifier.Classify(cause);
        if (kind is SnapshotErrorKind.BadInput or SnapshotErrorKind.NotFound)
            kind = SnapshotErrorKind.Failed;
        if (cause is SnapshotException { Kind: SnapshotErrorKind.NotSupported })
            kind = SnapshotErrorKind.NotSupported;
        return kind;
    }

    /// <summary>Runs the ledger's undos, last done first: what they undid, and what is left (the domain's state first).</summary>
    public async Task<(IReadOnlyList<string> Undone, IReadOnlyList<string> Left)> RollBackAsync()
    {
        _run.Journal?.Release(); // a group member paused but never completed still holds its journal's writes
        StopWatching();
        var registered = _run.Ledger.Has("register") && !_registrationUndone;
        var report = await _run.Ledger.RollBackAsync().ConfigureAwait(false);
        registered &= !_registrationUndone;
        var left = new List<string>();
        try
        {
            var state = dom.GetState().State;
            left.Add(state == DomainState.Running ? "the domain is running" : $"the domain is {state.ToString().ToLowerInvariant()}");
        }
        catch (LibvirtException e)
        {
            left.Add($"the domain's state is unknown ({e.Message})");
        }
        left.AddRange(report.Left);
        if (report.Failure is { } f)
            left.Add($"undoing '{f.Step}' failed ({f.Error.Message}), so the steps before it were not undone");
        if (!_disksSwitched)
            left.Add("the disks are unchanged");
        if (!registered)
            left.Add("no snapshot was recorded");
        return (report.Undone, left);
    }

    /// <summary>
    /// A group member's registration undone when another member failed: the record dropped and the complete
    /// memory file deleted with it (alone it could be registered again; in a group it would be a cut of one).
    /// A record that cannot be dropped is reported and its file kept; the rest of the rollback goes on, as it
    /// does not depend on the record.
    /// </summary>
    private Task UnregisterAsync(RollbackReport report)
    {
        try
        {
            using (var snapshot = EngineContext.Lookup(dom, _plan!.Name))
                snapshot.Delete(SnapshotDeleteFlags.MetadataOnly);
            _registrationUndone = true;
            report.Undone.Add($"the snapshot '{_plan.Name}' was dropped from libvirt's metadata");
        }
        catch (LibvirtException e)
        {
            report.Left.Add($"the snapshot '{_plan!.Name}' could not be dropped from libvirt's metadata ({e.Message}): virsh snapshot-delete {_domain} {_plan.Name} --metadata");
        }
        return Task.CompletedTask;
    }

    // The domain must be left running.
    private Task ResumeIfPaused(RollbackReport report)
    {
        try
        {
            if (dom.GetState().State == DomainState.Paused)
            {
                dom.Resume();
                report.Undone.Add("the guest was resumed");
            }
        }
        catch (LibvirtException e)
        {
            report.Left.Add($"the domain could not be resumed ({e.Message}): run virsh resume {_domain}");
        }
        return Task.CompletedTask;
    }

    // QEMU 7.2's migrate_cancel of a background snapshot leaves the vCPUs stuck on write-protected pages
    // (seen here every time: the guest stops making progress for good). So a failed or cancelled instant
    // snapshot lets QEMU's write run to its end and then throws the file away; the guest runs meanwhile.
    // It runs beside a running guest, never a paused one (QEMU 8.2 and later keep a guest paused that was
    // paused before migrate): the guest is resumed first, then the write drained.
    private async Task DrainMigrationAsync(RollbackReport report)
    {
        if (_migrationCompleted)
            return;
        await ResumeIfPaused(report).ConfigureAwait(false);
        try
        {
            var clock = Stopwatch.StartNew();
            var status = _qemu.QueryMigrate();
            while (status.IsActive && clock.Elapsed < DrainTimeout)
            {
                await Task.Delay(DrainPoll, CancellationToken.None).ConfigureAwait(false);
                status = _qemu.QueryMigrate();
            }
            report.Left.Add(status.IsActive
                ? $"QEMU's background snapshot is still writing after {DrainTimeout.TotalMinutes:0} min (status {status.Status})"
                : $"QEMU's background snapshot was let run to its end ({status.Status}), as cancelling it stalls the guest on QEMU 7.2");
        }
        catch (Exception e) when (e is LibvirtException or QemuCommandException)
        {
            report.Left.Add($"QEMU's background snapshot state is unknown ({e.Message})");
        }
    }
}
