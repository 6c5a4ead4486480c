using System.Xml;
using System.Xml.Linq;
using Snapshot.Interop;

namespace Snapshot.Engine;

public sealed partial class SnapshotEngine
{
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Raised the moment an instant snapshot's point is taken, long before its memory write ends.
    /// Raised on the creating task's thread; keep handlers short.
    /// </summary>
    public event EventHandler<SnapshotPoint>? SnapshotPointTaken;

    /// <summary>The snapshot XML that <paramref name="options"/> describe (what <c>--print-xml</c> shows).</summary>
    public static string BuildXml(SnapshotCreateOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        CreateRules.CheckRequest(options.Modifiers, options.Memory, options.Disks);
        return SnapshotXmlWriter.Build(options);
    }

    /// <summary>Parses virsh's <c>--memspec</c> syntax (<c>[file=]PATH[,snapshot=MODE]</c>).</summary>
    public static MemorySpec ParseMemorySpec(string text) => SpecSyntax.ParseMemory(text);

    /// <summary>Parses virsh's <c>--diskspec</c> syntax (<c>DISK[,snapshot=MODE][,driver=TYPE][,stype=TYPE][,file=PATH]</c>).</summary>
    public static DiskSpec ParseDiskSpec(string text) => SpecSyntax.ParseDisk(text);

    /// <summary>Creates a snapshot from typed options (snapshot-create-as).</summary>
    public Task<SnapshotInfo> CreateAsync(string domain, SnapshotCreateOptions options,
        IProgress<SnapshotProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        CreateRules.CheckRequest(options.Modifiers, options.Memory, options.Disks);
        if (options.Modifiers.Instant)
            return CreateInstantAsync(domain, options, progress, cancellationToken);
        return CreateClassicAsync(domain, SnapshotXmlWriter.Build(options), options.Modifiers, progress, cancellationToken);
    }

    /// <summary>Creates a snapshot from a full &lt;domainsnapshot&gt; XML (snapshot-create).</summary>
    public Task<SnapshotInfo> CreateFromXmlAsync(string domain, string snapshotXml, SnapshotCreateModifiers modifiers,
        IProgress<SnapshotProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(snapshotXml);
        ArgumentNullException.ThrowIfNull(modifiers);
        var request = ParseRequest(snapshotXml, modifiers);
        CreateRules.CheckRequest(modifiers, request.Memory, request.Disks);
        if (modifiers.Instant)
            return CreateInstantAsync(domain, request, progress, cancellationToken);
        return CreateClassicAsync(domain, snapshotXml, modifiers, progress, cancellationToken);
    }

    private async Task<SnapshotInfo> CreateClassicAsync(string domain, string xml, SnapshotCreateModifiers m,
        IProgress<SnapshotProgress>? progress, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var dom = Domain(domain);
        CreateRules.CheckState(m, dom.IsActive);
        var flags = ToFlags(m);
        Log.Creating(_logger, dom.Name, flags);

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
            return Describe(created);
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
            Log.AbortFailed(_logger, dom.Name, e.Message);
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

    internal static SnapshotCreateFlags ToFlags(SnapshotCreateModifiers m)
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

    // The request read back from a full snapshot XML, so that its rules are checked like snapshot-create-as's.
    private static SnapshotCreateOptions ParseRequest(string snapshotXml, SnapshotCreateModifiers modifiers)
    {
        XElement root;
        try
        {
            root = XElement.Parse(snapshotXml);
        }
        catch (XmlException e)
        {
            throw new SnapshotException(SnapshotErrorKind.BadInput, $"the snapshot XML is not well-formed: {e.Message}", e);
        }
        if (root.Name != "domainsnapshot")
            throw new SnapshotException(SnapshotErrorKind.BadInput, $"the snapshot XML's root is <{root.Name}>, expected <domainsnapshot>");
        var memory = root.Element("memory");
        return new SnapshotCreateOptions
        {
            Name = (string?)root.Element("name"),
            Description = (string?)root.Element("description"),
            Memory = memory is null ? null : new MemorySpec((string?)memory.Attribute("snapshot"), (string?)memory.Attribute("file")),
            Disks = root.Element("disks")?.Elements("disk").Select(d => new DiskSpec(
                (string?)d.Attribute("name") ?? "",
                (string?)d.Attribute("snapshot"),
                (string?)d.Element("driver")?.Attribute("type"),
                (string?)d.Attribute("type"),
                (string?)d.Element("source")?.Attribute("file") ?? (string?)d.Element("source")?.Attribute("dev"))).ToList() ?? [],
            Modifiers = modifiers,
        };
    }

    // A snapshot taken without metadata cannot be looked up afterwards: describe it from the request.
    private static string NoMetadataXml(string name, string requestXml)
    {
        var root = XElement.Parse(requestXml);
        root.SetElementValue("name", name);
        root.SetElementValue("creationTime", DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        return root.ToString();
    }
}
