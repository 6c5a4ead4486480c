using Snapshot.Interop;

namespace Snapshot.Engine;

/// <summary>
/// A classic snapshot: one libvirt call (internal, or external with libvirt's own memory save), with
/// progress from the job's statistics and a cancel that aborts the job.
/// </summary>
internal sealed class ClassicCreate(EngineContext context)
{
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(250);

    public async Task<SnapshotInfo> RunAsync(string domain, string xml, SnapshotCreateModifiers m,
        IProgress<SnapshotProgress>? progress, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var dom = context.Resolve(domain);
        CreateRules.CheckState(m, dom.IsActive);
        var flags = ToFlags(m);
        Log.Creating(context.Logger, dom.Name, flags);

        using var done = new CancellationTokenSource();
        // A memory save is a libvirt job: aborting it is how a create is cancelled.
        await using var abort = cancellationToken.Register(() => TryAbortJob(dom));
        var polling = progress is null ? Task.CompletedTask : ReportJobProgressAsync(dom, progress, done.Token);
        LibvirtDomainSnapshot created;
        try
        {
            created = await Task.Run(() => dom.CreateSnapshot(xml, flags), CancellationToken.None).ConfigureAwait(false);
        }
        catch (LibvirtException e) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException($"snapshot of '{dom.Name}' cancelled: {e.Message}", e, cancellationToken);
        }
        finally
        {
            await done.CancelAsync().ConfigureAwait(false);
            await polling.ConfigureAwait(false);
        }

        using (created)
        {
            if (m.NoMetadata)
                return SnapshotXmlReader.Parse(dom.Name, NoMetadataXml(created.Name, xml), isCurrent: false);
            return EngineContext.Describe(created);
        }
    }

    private void TryAbortJob(LibvirtDomain dom)
    {
        try
        {
            dom.AbortJob();
        }
        catch (LibvirtException e)
        {
            Log.AbortFailed(context.Logger, dom.Name, e.Message);
        }
    }

    private static async Task ReportJobProgressAsync(LibvirtDomain dom, IProgress<SnapshotProgress> progress, CancellationToken stop)
    {
        try
        {
            while (!stop.IsCancellationRequested)
            {
                await Task.Delay(ProgressInterval, stop).ConfigureAwait(false);
                var stats = dom.GetJobStats();
                if (stats.TryGetValue("data_total", out var total) && stats.TryGetValue("data_processed", out var processed))
                    progress.Report(new SnapshotProgress("memory", Convert.ToInt64(processed, System.Globalization.CultureInfo.InvariantCulture),
                        Convert.ToInt64(total, System.Globalization.CultureInfo.InvariantCulture)));
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (LibvirtException)
        {
            // The job ended between two polls; nothing more to report.
        }
    }

    private static SnapshotCreateFlags ToFlags(SnapshotCreateModifiers m)
    {
        SnapshotCreateFlags flags = 0;
        if (m.Redefine) flags |= SnapshotCreateFlags.Redefine;
        if (m.Current) flags |= SnapshotCreateFlags.Current;
        if (m.NoMetadata) flags |= SnapshotCreateFlags.NoMetadata;
        if (m.Halt) flags |= SnapshotCreateFlags.Halt;
        if (m.DiskOnly) flags |= SnapshotCreateFlags.DiskOnly;
        if (m.ReuseExternal) flags |= SnapshotCreateFlags.ReuseExt;
        if (m.Quiesce) flags |= SnapshotCreateFlags.Quiesce;
        if (m.Atomic) flags |= SnapshotCreateFlags.Atomic;
        if (m.Live || m.Instant) flags |= SnapshotCreateFlags.Live;
        if (m.Validate) flags |= SnapshotCreateFlags.Validate;
        return flags;
    }

    // A snapshot taken without metadata cannot be looked up afterwards: describe it from the request.
    private static string NoMetadataXml(string name, string requestXml)
    {
        var root = System.Xml.Linq.XElement.Parse(requestXml);
        root.SetElementValue("name", name);
        root.SetElementValue("creationTime", DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        return root.ToString();
    }
}
