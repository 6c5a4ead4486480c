using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace Snapshot.Engine;

/// <summary>The instant snapshot's overlays: made beside steps 2-7, recorded at step 8.</summary>
internal sealed partial class InstantSnapshot
{
    /// <summary>
    /// Starts the qcow2 overlays before the pause (libvirt would create them inside it), so the disk-only
    /// snapshot only switches to them (REUSE_EXT). Not when the caller brings its own (--reuse-external) or
    /// asks for another overlay format. Each is journaled before it is made: a process killed meanwhile leaves
    /// recovery its name (the preflight found the path free under the domain's lock, and the file is made
    /// O_EXCL), and recovery deletes it only if it exists and nothing uses it.
    /// </summary>
    private Task<List<InstantDisk>> StartOverlays(CancellationToken ct)
    {
        var plan = _plan!;
        if (options.Modifiers.ReuseExternal || plan.ExternalDisks.Any(d => d.Driver != "qcow2"))
            return Task.FromResult(new List<InstantDisk>());
        foreach (var disk in plan.ExternalDisks)
            _run.Note(JournalFacts.Created(disk.Overlay!, JournalFacts.OverlayRole, disk.Source));
        var clock = Stopwatch.StartNew();
        return Task.Run(async () =>
        {
            var made = new List<InstantDisk>();
            try
            {
                foreach (var disk in plan.ExternalDisks)
                {
                    await context.Files.CreateOverlayAsync(disk.Overlay!, disk.Source!, disk.SourceFormat, ct).ConfigureAwait(false);
                    made.Add(disk);
                }
            }
            catch (Exception e)
            {
                // What was made before the failure is the rollback's to delete: handed over with the failure.
                throw new OverlaysFailedException(made, e);
            }
            Log.InstantOverlaysPreCreated(context.Logger, _domain, plan.Name, made.Count, clock.Elapsed.TotalMilliseconds);
            return made;
        }, CancellationToken.None);
    }

    /// <summary>Step 8: waits for the overlays of <see cref="StartOverlays"/> and records each made one in the ledger (once).</summary>
    private async Task RecordOverlaysAsync(Task<List<InstantDisk>> overlays, bool rethrow = true)
    {
        List<InstantDisk> made;
        Exception? failure = null;
        try
        {
            made = await overlays.ConfigureAwait(false);
        }
        catch (OverlaysFailedException e)
        {
            made = e.Made;
            failure = e.InnerException;
        }
        if (Interlocked.Exchange(ref _overlaysRecorded, 1) == 0)
        {
            foreach (var disk in made)
            {
                var overlay = disk.Overlay!;
                // Journaled when it was started.
                _run.Ledger.Record("create-overlays", $"created the overlay {overlay}", report =>
                {
                    // Once the disks run on it, switch-disks reports it left.
                    if (!_disksSwitched)
                        report.DeleteCreatedFile(overlay, $"the overlay {overlay} made for the snapshot", files: context.Files);
                    return Task.CompletedTask;
                });
            }
        }
        if (rethrow && failure is not null)
            ExceptionDispatchInfo.Throw(failure);
    }

    private int _overlaysRecorded;

    /// <summary>The overlays' failure, with the ones made before it.</summary>
    private sealed class OverlaysFailedException(List<InstantDisk> made, Exception inner) : Exception(inner.Message, inner)
    {
        public List<InstantDisk> Made { get; } = made;
    }
}
