using System.Globalization;
using System.Xml.Linq;
using Snapshot.Interop;

namespace Snapshot.Engine;

/// <summary>One disk of an instant snapshot: frozen and put on an overlay, or left alone.</summary>
/// <param name="Target">The disk's target, e.g. <c>vda</c>.</param>
/// <param name="Source">The image it runs on now (frozen by the snapshot).</param>
/// <param name="External">Whether the snapshot puts it on an overlay.</param>
/// <param name="Driver">The overlay's format.</param>
/// <param name="Overlay">The overlay file that becomes the active layer.</param>
/// <param name="SourceFormat">The format of <paramref name="Source"/> (the overlay's backing format).</param>
internal sealed record InstantDisk(string Target, string? Source, bool External, string Driver, string? Overlay, string SourceFormat = "raw");

/// <summary>What an instant snapshot will do, settled before the guest is touched.</summary>
/// <param name="Name">The snapshot's name.</param>
/// <param name="Description">Its description.</param>
/// <param name="MemoryFile">The memory file (absolute).</param>
/// <param name="Disks">Every disk, frozen or left alone.</param>
/// <param name="Parent">The current snapshot, which becomes the parent.</param>
/// <param name="Transport">How QEMU's stream reaches the memory file.</param>
/// <param name="QemuOwner">With <see cref="MemoryTransport.QemuOpensFile"/>: the <c>uid:gid</c> QEMU runs as (libvirt's DAC image label), which
/// must be able to write the file; null when QEMU runs unconfined by DAC.</param>
/// <param name="QemuVersion">The version of the QEMU running the domain, asked once: in the preflight where the transport depends on
/// it, else before the pause (<see cref="MemoryTransports.NeedsVersion"/>).</param>
/// <param name="BackgroundSnapshotOn">Whether QEMU's background-snapshot capability was already on at the preflight.</param>
internal sealed record InstantPlan(string Name, string? Description, string MemoryFile, IReadOnlyList<InstantDisk> Disks, string? Parent,
    MemoryTransport Transport = MemoryTransport.Pipe, string? QemuOwner = null, Version? QemuVersion = null, bool BackgroundSnapshotOn = false)
{
    /// <summary>The first QEMU whose background snapshot puts back the paused run state instead of starting the vCPUs (migration.c, bg_migration_thread).</summary>
    public static readonly Version KeepsGuestPausedSince = new(8, 2);

    /// <summary>Whether QEMU restarts the vCPUs itself once its write tracking is on (7.2 does; 8.2 and later never do).</summary>
    public bool QemuResumesGuest => QemuVersion is null || QemuVersion < KeepsGuestPausedSince;

    public IEnumerable<InstantDisk> ExternalDisks => Disks.Where(d => d.External);
}

/// <summary>
/// The checks an instant snapshot makes BEFORE the guest is paused, each failure naming its cause and
/// its fix, so that a host or domain that cannot take one is refused with nothing changed.
/// </summary>
internal static class InstantPreflight
{
    public const string UserfaultfdSysctl = "/proc/sys/vm/unprivileged_userfaultfd";

    public static InstantPlan Check(LibvirtDomain dom, SnapshotCreateOptions options, QemuMigration qemu, IHypervisorFiles files, bool qemuOpensFile = false)
    {
        var domain = dom.Name;
        CheckRunning(dom, domain);
        var domainXml = XElement.Parse(dom.GetXmlDesc());
        UntrackedMemory.Check(domainXml, domain);
        CheckNoJob(domain, qemu);
        // Each monitor command is a round trip through libvirt's job on the domain, the longest part of the checks:
        // QEMU is asked beside the checks that ask only libvirt and the files. After the job check, since a command
        // sent during libvirt's own job would wait for it. Its version only where the transport depends on it: else
        // it is asked once the capability is on, beside the memory file's steps (InstantSnapshot.PrepareAsync).
        var versionNow = MemoryTransports.NeedsVersion(dom.Connection.Uri, qemuOpensFile);
        var fromQemu = Task.Run(() => (Version: versionNow ? qemu.QueryVersion() : null, BackgroundSnapshotOn: CheckCapabilities(domain, qemu)));
        string name, memoryFile;
        List<InstantDisk> disks;
        string? parent = null;
        try
        {
            name = options.Name ?? DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
            CheckNameFree(dom, domain, name);
            memoryFile = CheckMemoryFile(options.Memory?.File, files);
            disks = PlanDisks(domainXml, name, options.Disks, options.Modifiers.ReuseExternal, memoryFile, files);
            if (dom.HasCurrentSnapshot)
            {
                using var current = dom.GetCurrentSnapshot();
                parent = current.Name;
            }
        }
        catch
        {
            // The first refusal is the one said; QEMU's answers are waited for, so that nothing still uses the connection.
            ((Task)fromQemu).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing).GetAwaiter().GetResult();
            throw;
        }
        var (version, backgroundSnapshotOn) = fromQemu.GetAwaiter().GetResult();
        var transport = MemoryTransports.Choose(dom.Connection.Uri, domain, qemuOpensFile, () => version!);
        if (transport == MemoryTransport.QemuOpensFile && memoryFile.Contains(QemuMigration.FileOffsetOption, StringComparison.Ordinal))
            throw new SnapshotException(SnapshotErrorKind.BadInput,
                $"the memory file {memoryFile} contains '{QemuMigration.FileOffsetOption}', which QEMU's file: URI would read as its offset; choose another name");
        var owner = transport == MemoryTransport.QemuOpensFile ? QemuOwner(domainXml) : null;
        return new InstantPlan(name, options.Description, memoryFile, disks, parent, transport, owner, version, backgroundSnapshotOn);
    }

    /// <summary>The <c>uid:gid</c> of libvirt's DAC image label on the running domain (<c>+64055:+994</c>), null without one.</summary>
    internal static string? QemuOwner(XElement domainXml)
    {
        var label = domainXml.Elements("seclabel").FirstOrDefault(l => (string?)l.Attribute("model") == "dac");
        var text = (string?)label?.Element("imagelabel") ?? (string?)label?.Element("label");
        if (text is null)
            return null;
        var parts = text.Split(':');
        if (parts.Length != 2 || !uint.TryParse(parts[0].TrimStart('+'), NumberStyles.None, CultureInfo.InvariantCulture, out var uid)
            || !uint.TryParse(parts[1].TrimStart('+'), NumberStyles.None, CultureInfo.InvariantCulture, out var gid))
            throw new SnapshotException(SnapshotErrorKind.NotSupported,
                $"the domain's DAC label '{text}' is not numeric (+uid:+gid), so the memory file cannot be handed to QEMU's user");
        return uid == 0 ? null : string.Create(CultureInfo.InvariantCulture, $"{uid}:{gid}");
    }

    private static void CheckRunning(LibvirtDomain dom, string domain)
    {
        if (!dom.IsActive)
            throw NotSupported($"domain '{domain}' is not running: an instant snapshot captures live memory; start it first (virsh start {domain})");
        var state = dom.GetState();
        if (state.State != DomainState.Running)
            throw NotSupported($"domain '{domain}' is {state.State.ToString().ToLowerInvariant()}, not running: QEMU's background snapshot always restarts the CPUs; " +
                $"resume it first (virsh resume {domain}) or take a classic snapshot");
    }

    /// <summary>
    /// libvirt's own jobs. A migration started past libvirt (QMP <c>migrate</c> by hand) is refused by QEMU itself when the
    /// capability is set, before the pause (<see cref="MigrationInProgress"/>).
    /// </summary>
    private static void CheckNoJob(string domain, QemuMigration qemu)
    {
        if (qemu.HasJob())
            throw NotSupported($"domain '{domain}' has a job running (virsh domjobinfo {domain}); wait for it to end or abort it (virsh domjobabort {domain})");
    }

    /// <summary>QEMU's refusal of a migration setting while a migration runs (QERR_MIGRATION_ACTIVE, 7.2 and 10.0 alike).</summary>
    internal static bool IsMigrationActive(QemuCommandException e) =>
        e.Description.Contains("migration process in progress", StringComparison.OrdinalIgnoreCase);

    internal static SnapshotException MigrationInProgress(string domain, QemuCommandException e) =>
        new(SnapshotErrorKind.NotSupported, $"QEMU of domain '{domain}' has a migration in progress ({e.Description}); wait for it to end or cancel it", e);

    /// <summary>Refuses a QEMU without the capability or with one it conflicts with; says whether the capability is on already.</summary>
    private static bool CheckCapabilities(string domain, QemuMigration qemu)
    {
        var caps = qemu.QueryCapabilities();
        if (!caps.ContainsKey(QemuMigration.BackgroundSnapshot))
            throw NotSupported($"the QEMU running domain '{domain}' does not offer the '{QemuMigration.BackgroundSnapshot}' migration capability " +
                "(it needs QEMU 6.0 or later); upgrade QEMU or take a classic snapshot");
        var conflicting = QemuMigration.IncompatibleWithBackgroundSnapshot.Where(c => caps.TryGetValue(c, out var on) && on).ToList();
        if (conflicting.Count > 0)
            throw NotSupported($"domain '{domain}' has migration capabilities on that QEMU refuses with '{QemuMigration.BackgroundSnapshot}': " +
                $"{string.Join(", ", conflicting)}; turn them off first (virsh qemu-monitor-command {domain} " +
                $"'{QemuMigration.SetCapabilitiesCommand(conflicting.Select(c => (c, false)))}')");
        return caps[QemuMigration.BackgroundSnapshot];
    }

    private static void CheckNameFree(LibvirtDomain dom, string domain, string name)
    {
        try
        {
            using var existing = dom.LookupSnapshot(name);
        }
        catch (SnapshotNotFoundException)
        {
            return;
        }
        throw new SnapshotException(SnapshotErrorKind.BadInput, $"domain '{domain}' already has a snapshot named '{name}'");
    }

    private static string CheckMemoryFile(string? file, IHypervisorFiles files)
    {
        if (string.IsNullOrEmpty(file) || !Path.IsPathFullyQualified(file))
            throw new SnapshotException(SnapshotErrorKind.BadInput, $"the memory file must be an absolute path, got '{file}'");
        var path = Path.GetFullPath(file);
        if (files.Exists(path) || files.DirectoryExists(path))
            throw new SnapshotException(SnapshotErrorKind.BadInput, $"the memory file {path} already exists; choose a new path (an instant snapshot never overwrites one)");
        var directory = Path.GetDirectoryName(path);
        if (directory is null || !files.DirectoryExists(directory))
            throw new SnapshotException(SnapshotErrorKind.BadInput, $"the memory file's directory {directory} does not exist; create it first");
        return path;
    }

    /// <summary>Every disk of the live definition, external unless it cannot or the request says no.</summary>
    internal static List<InstantDisk> PlanDisks(XElement domainXml, string name, IReadOnlyList<DiskSpec> requested, bool reuseExternal, string memoryFile,
        IHypervisorFiles files)
    {
        var used = new HashSet<string>(StringComparer.Ordinal) { memoryFile };
        var matched = new HashSet<DiskSpec>();
        var plan = new List<InstantDisk>();
        foreach (var disk in domainXml.Element("devices")?.Elements("disk") ?? [])
        {
            var target = (string?)disk.Element("target")?.Attribute("dev") ?? "";
            var source = (string?)disk.Element("source")?.Attribute("file") ?? (string?)disk.Element("source")?.Attribute("dev");
            var spec = requested.FirstOrDefault(r => r.Name == target || (source is not null && r.Name == source));
            if (spec is not null)
                matched.Add(spec);
            var device = (string?)disk.Attribute("device") ?? "disk";
            var readOnly = disk.Element("readonly") is not null;
            var domainSays = (string?)disk.Attribute("snapshot");
            var mode = spec?.Snapshot ?? (domainSays is "no" || device is "cdrom" or "floppy" || readOnly || source is null ? SnapshotMode.No : SnapshotMode.External);
            if (mode == SnapshotMode.No)
            {
                plan.Add(new InstantDisk(target, source, External: false, "", null));
                continue;
            }
            if ((string?)disk.Attribute("type") is not ("file" or null) || source is null)
                throw SnapshotException.Naming(SnapshotErrorKind.NotSupported, $"disk '{target}' is not a file-backed disk; instant snapshots put file disks on overlays (give {OptionName.DiskExcluded(target)} to leave it out)");
            var overlay = spec?.File ?? DefaultOverlay(source, name, target);
            overlay = Path.GetFullPath(overlay);
            if (!used.Add(overlay))
                throw new SnapshotException(SnapshotErrorKind.BadInput, $"the overlay {overlay} of disk '{target}' is used twice");
            if (!reuseExternal && files.Exists(overlay))
                throw SnapshotException.Naming(SnapshotErrorKind.BadInput, $"the overlay {overlay} of disk '{target}' already exists; remove it, choose another with {OptionName.DiskExternal(target)}, or pass {OptionName.Modifier("ReuseExternal")}");
            if (reuseExternal && !files.Exists(overlay))
                throw SnapshotException.Naming(SnapshotErrorKind.BadInput, $"{OptionName.Modifier("ReuseExternal")}: the overlay {overlay} of disk '{target}' does not exist");
            if (!files.DirectoryExists(Path.GetDirectoryName(overlay)!))
                throw new SnapshotException(SnapshotErrorKind.BadInput, $"the directory of overlay {overlay} (disk '{target}') does not exist");
            plan.Add(new InstantDisk(target, source, External: true, spec?.Driver ?? "qcow2", overlay,
                (string?)disk.Element("driver")?.Attribute("type") ?? "raw"));
        }
        var unknown = requested.Where(r => !matched.Contains(r)).Select(r => r.Name).ToList();
        if (unknown.Count > 0)
            throw SnapshotException.Naming(SnapshotErrorKind.BadInput, $"{OptionName.Disks} names no disk of the domain: {string.Join(", ", unknown)}");
        if (!plan.Any(d => d.External))
            throw new SnapshotException(SnapshotErrorKind.BadInput, "an instant snapshot needs at least one disk put on an overlay (the disks must freeze with the memory)");
        return plan;
    }

    /// <summary>libvirt's rule: the image's suffix replaced by the snapshot name, or the name appended.</summary>
    internal static string DefaultOverlay(string source, string name, string target)
    {
        if (name.Contains('/', StringComparison.Ordinal))
            throw SnapshotException.Naming(SnapshotErrorKind.BadInput, $"cannot name the overlay of disk '{target}' after snapshot '{name}' (it contains '/'); give {OptionName.DiskExternal(target)}");
        var fileName = Path.GetFileName(source);
        var dot = fileName.LastIndexOf('.');
        var stem = dot > 0 ? source[..(source.Length - fileName.Length + dot)] : source;
        return stem + "." + name;
    }

    internal static bool UserfaultfdRestricted()
    {
        try
        {
            return File.ReadAllText(UserfaultfdSysctl).Trim() == "0";
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static SnapshotException NotSupported(string message) => new(SnapshotErrorKind.NotSupported, message);
}
