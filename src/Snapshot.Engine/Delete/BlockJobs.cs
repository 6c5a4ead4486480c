using Snapshot.Interop;

namespace Snapshot.Engine;

/// <summary>
/// A merge in a chain a running (or paused) QEMU uses, through libvirt's block jobs: commit (the upper layer
/// into the free one below it; from the active layer a two-phase commit that pivots the disk onto the free
/// layer once it is in sync) or pull (the free layer into the active one). Each job is followed to its end
/// through its job info; a failure or a cancel before the end aborts it, which leaves the chain as it was
/// (what a commit wrote into the free layer is shadowed by the layer above, still in the chain).
/// </summary>
internal static class BlockJobs
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan PivotWait = TimeSpan.FromSeconds(30);

    /// <summary>Runs the merge as a block job to its end; returns the bytes it copied (its last <c>end</c>; the plan's estimate if it ended before the first look).</summary>
    /// <param name="dom">The running or paused domain.</param>
    /// <param name="merge">The merge.</param>
    /// <param name="bytesPerSecond">QEMU's speed limit for the job; 0: none (a kill test slows it, <see cref="KillSwitch.MergeRate"/>).</param>
    /// <param name="started">Called once QEMU runs the job.</param>
    /// <param name="cancellationToken">Aborts the job.</param>
    public static async Task<long> RunAsync(LibvirtDomain dom, LayerMerge merge, ulong bytesPerSecond, Action started, CancellationToken cancellationToken)
    {
        var running = false;
        try
        {
            if (merge.Direction == MergeDirection.Up)
                dom.BlockRebase(merge.Disk, merge.Below?.File, DomainBlockRebaseFlags.BandwidthBytes, bytesPerSecond);
            else if (merge.UpperIsActive)
                dom.BlockCommit(merge.Disk, merge.Lower.File, null, DomainBlockCommitFlags.Active | DomainBlockCommitFlags.BandwidthBytes, bytesPerSecond);
            else
                dom.BlockCommit(merge.Disk, merge.Lower.File, merge.Upper.File, DomainBlockCommitFlags.BandwidthBytes, bytesPerSecond);
            running = true;
            started();
            long? copied = null;
            if (merge.Direction == MergeDirection.Down && merge.UpperIsActive)
                copied = await PivotWhenReadyAsync(dom, merge.Disk, cancellationToken).ConfigureAwait(false);
            return await WaitGoneAsync(dom, merge.Disk, cancellationToken).ConfigureAwait(false) ?? copied ?? merge.Bytes;
        }
        catch (Exception) when (running)
        {
            await AbortAsync(dom, merge.Disk).ConfigureAwait(false);
            throw;
        }
    }

    // An active commit never ends by itself: once the free layer holds everything (cur == end) it mirrors
    // each write, and the pivot moves the disk onto it. libvirt refuses the pivot until QEMU said "ready".
    private static async Task<long> PivotWhenReadyAsync(LibvirtDomain dom, string disk, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + PivotWait;
        while (true)
        {
            var job = dom.GetBlockJobInfo(disk) ?? throw new SnapshotException($"the commit job of disk {disk} ended before it could pivot");
            if (job.End > 0 && job.Current == job.End)
            {
                try
                {
                    dom.BlockJobAbort(disk, DomainBlockJobAbortFlags.Pivot);
                    return (long)job.End;
                }
                catch (LibvirtException) when (DateTime.UtcNow < deadline)
                {
                    // Not ready yet: QEMU sends its ready event a moment after the last copy.
                }
            }
            await Task.Delay(Poll, cancellationToken).ConfigureAwait(false);
        }
    }

    // The job's last end (the bytes it copies), null when it was gone at the first look.
    private static async Task<long?> WaitGoneAsync(LibvirtDomain dom, string disk, CancellationToken cancellationToken)
    {
        long? end = null;
        while (dom.GetBlockJobInfo(disk) is { } job)
        {
            end = (long)job.End;
            await Task.Delay(Poll, cancellationToken).ConfigureAwait(false);
        }
        return end;
    }

    /// <summary>
    /// Aborts the disk's block job, if one runs, without a pivot (the disk stays on its layer, whole); true when one
    /// was aborted. Also what recovery does with a job a killed delete left running or ready in QEMU.
    /// </summary>
    public static async Task<bool> AbortAsync(LibvirtDomain dom, string disk)
    {
        try
        {
            if (dom.GetBlockJobInfo(disk) is null)
                return false;
            dom.BlockJobAbort(disk);
            using var limit = new CancellationTokenSource(PivotWait);
            await WaitGoneAsync(dom, disk, limit.Token).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is LibvirtException or OperationCanceledException)
        {
            // The original failure is what the caller reports; the job's state is in virsh blockjob.
            return false;
        }
    }
}
