using System.Globalization;
using System.Xml.Linq;
using Snapshot.Interop;

namespace Snapshot.Engine;

/// <summary>
/// Revert with <c>--keep-current</c>: a snapshot of the state being left (instant with memory when the domain
/// runs, classic with memory when it is paused, disk-only when it is shut off), then the external revert. The
/// revert's checks run before the kept snapshot is taken, so a refused revert takes nothing; a revert that fails
/// after them deletes the kept snapshot again (only what this operation created). docs/revert.md.
/// </summary>
internal sealed class KeepCurrentRevert(EngineContext context, DomainRef domain, LibvirtDomain dom, SnapshotInfo target, SnapshotRevertOptions options)
{
    public static readonly StepSequence Sequence = new("keep-current-revert",
        new StepDefinition("preflight", "checking the snapshot, the domain and the kept snapshot's files"),
        new StepDefinition("keep-current", "taking the snapshot of the current state"),
        new StepDefinition("revert", "reverting"));

    private readonly OperationRun _run = context.StartRun(Sequence, dom.Name);

    /// <summary>The name a kept snapshot gets when none is given: <c>pre-revert-20261201T123456Z</c>.</summary>
    public static string DefaultName(DateTimeOffset now) =>
        "pre-revert-" + now.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);

    public async Task<KeptRevert> RunAsync(string? keptName, CancellationToken ct)
    {
        var name = keptName ?? DefaultName(DateTimeOffset.UtcNow);
        var request = await _run.RunAsync("preflight", () => PreflightAsync(name, ct), ct).ConfigureAwait(false);
        ct.ThrowIfCancellationRequested();
        var kept = await _run.RunAsync("keep-current", () => KeepAsync(request, ct), ct).ConfigureAwait(false);
        try
        {
            var reverted = await _run.RunAsync("revert", () => new ExternalRevert(context, dom, target, options).RunAsync(ct), ct).ConfigureAwait(false);
            using var keptHandle = EngineContext.Lookup(dom, kept.Name);
            return new KeptRevert(reverted, EngineContext.Describe(keptHandle));
        }
        catch (Exception e) when (!IsDoneRevert(e))
        {
            throw await RollBackAsync(name, e).ConfigureAwait(false);
        }
    }

    // The revert reports a failure after its point of no return as done: the kept snapshot then stays, with it.
    private static bool IsDoneRevert(Exception e) => e is SnapshotException && e.Message.Contains(ExternalRevert.DoneNote, StringComparison.Ordinal);

    private async Task<SnapshotCreateOptions> PreflightAsync(string name, CancellationToken ct)
    {
        if (target.Location != SnapshotLocation.External)
        {
            throw new SnapshotException(SnapshotErrorKind.NotSupported,
                $"keeping the current state works with a revert to an external snapshot; '{target.Name}' is internal");
        }
        CreateRules.CheckName(name);
        using (var existing = FindSnapshot(name))
        {
            if (existing is not null)
                throw new SnapshotException(SnapshotErrorKind.AlreadyExists, $"cannot keep the current state as '{name}': domain snapshot '{name}' already exists");
        }
        // The revert's own checks, on the domain as it is now: a refusal leaves everything as it was.
        using var snapshot = EngineContext.Lookup(dom, target.Name);
        var before = dom.GetState().State;
        var live = XElement.Parse(dom.GetXmlDesc(DomainXmlFlags.Secure));
        var snapshotXml = snapshot.GetXmlDesc(SnapshotXmlFlags.Secure);
        var plan = ExternalRevertPreflight.Check(snapshotXml, options, before, live, context.Files);
        if (options.BranchTip)
            await BranchTips.FindAsync(plan.Snapshot, XElement.Parse(snapshotXml), plan.Disks, context.Files, ct).ConfigureAwait(false);
        return KeptRequest(name, before, live, context.Files.Exists);
    }

    private LibvirtDomainSnapshot? FindSnapshot(string name)
    {
        try
        {
            return EngineContext.Lookup(dom, name);
        }
        catch (SnapshotNotFoundException)
        {
            return null;
        }
    }

    /// <summary>The kept snapshot's request: every file-backed disk gets an overlay beside its active layer.</summary>
    private static SnapshotCreateOptions KeptRequest(string name, DomainState before, XElement live, Func<string, bool> exists)
    {
        var safe = OverlayImages.Sanitize(name);
        var disks = new List<DiskSpec>();
        string? firstDisk = null;
        foreach (var disk in live.Element("devices")?.Elements("disk") ?? [])
        {
            var targetDev = (string?)disk.Element("target")?.Attribute("dev");
            if (targetDev is null)
                continue;
            var file = (string?)disk.Element("source")?.Attribute("file");
            var device = (string?)disk.Attribute("device") ?? "disk";
            if (file is null || device != "disk" || disk.Element("readonly") is not null)
            {
                disks.Add(DiskSpec.Excluded(targetDev));
                continue;
            }
            firstDisk ??= file;
            disks.Add(DiskSpec.External(targetDev, FreeName(file, safe, ".qcow2", exists)));
        }
        if (firstDisk is null)
            throw new SnapshotException(SnapshotErrorKind.NotSupported, "keeping the current state needs a file-backed disk; the domain has none");
        var running = RevertEvents.HasProcess(before);
        return new SnapshotCreateOptions
        {
            Name = name,
            Description = "the state left by a revert (virt-snap --keep-current)",
            Memory = running ? MemorySpec.External(FreeName(firstDisk, safe, ".mem", exists)) : MemorySpec.None,
            Disks = disks,
            Modifiers = new SnapshotCreateModifiers { Instant = before == DomainState.Running, DiskOnly = !running },
        };
    }

    // <stem>.<name>.<ext> beside the file, or <stem>.<name>-<n>.<ext> when that is taken: never an existing file.
    private static string FreeName(string nextTo, string safe, string extension, Func<string, bool> exists)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(nextTo)) ?? "/";
        var stem = OverlayImages.Stem(nextTo);
        for (var n = 1; ; n++)
        {
            var suffix = n == 1 ? "" : string.Create(CultureInfo.InvariantCulture, $"-{n}");
            var candidate = Path.Combine(directory, $"{stem}.{safe}{suffix}{extension}");
            if (!exists(candidate))
                return candidate;
        }
    }

    private async Task<SnapshotInfo> KeepAsync(SnapshotCreateOptions request, CancellationToken ct)
    {
        var kept = await new SnapshotCreate(context).RunAsync(domain, request, null, ct).ConfigureAwait(false);
        var overlays = request.Disks.Where(d => d.File is not null).Select(d => Path.GetFullPath(d.File!)).ToList();
        _run.Ledger.Record("keep-current", $"took the snapshot '{kept.Name}' of the current state", async report =>
        {
            // The engine's own delete: libvirt merges the kept overlays back where it can, and the delete removes the
            // memory file and the overlays nothing needs any more.
            await new SnapshotDelete(context).RunAsync(domain, kept.Name, new SnapshotDeleteOptions(), CancellationToken.None).ConfigureAwait(false);
            report.Undone.Add($"the kept snapshot '{kept.Name}' was deleted");
            var active = RevertDefinition.DiskSources(XElement.Parse(dom.GetXmlDesc())).Values.Select(Path.GetFullPath);
            var runsOn = overlays.Intersect(active, StringComparer.Ordinal).ToList();
            if (runsOn.Count > 0)
                report.Left.Add($"the domain runs on the kept snapshot's overlays ({string.Join(", ", runsOn)}), which hold its disks' state since");
        });
        return kept;
    }

    private async Task<Exception> RollBackAsync(string name, Exception failure)
    {
        var report = await _run.Ledger.RollBackAsync().ConfigureAwait(false);
        var kind = failure is SnapshotException s ? s.Kind : ErrorClassifier.Classify(failure);
        return new SnapshotException(kind, $"{failure.Message}; the state it left was to be kept as '{name}': {report.Outcome("check it with virt-snap snapshot-list")}", failure);
    }
}
