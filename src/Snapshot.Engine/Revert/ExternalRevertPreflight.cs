using System.Xml.Linq;
using Snapshot.Interop;

namespace Snapshot.Engine;

/// <summary>
/// Every check an external revert makes before it touches the domain, so that a refusal leaves a
/// running guest running on its disks. Each failure is one line in a <see cref="SnapshotException"/>.
/// </summary>
internal static class ExternalRevertPreflight
{
    /// <summary>Checks the request and the files it needs; returns the plan.</summary>
    /// <param name="snapshotXml">The snapshot's XML (with its &lt;domain&gt;).</param>
    /// <param name="options">The request.</param>
    /// <param name="currentState">The domain's state now.</param>
    /// <param name="currentDefinition">The domain's definition now (for the guest-ABI check).</param>
    /// <param name="files">Where the domain's files are (null: this machine).</param>
    public static ExternalRevertPlan Check(string snapshotXml, SnapshotRevertOptions options, DomainState currentState, XElement currentDefinition, IHypervisorFiles? files = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        files ??= LocalFiles.Instance;
        var root = XElement.Parse(snapshotXml);
        var name = (string?)root.Element("name") ?? "";
        var definition = root.Element("domain")
            ?? throw new SnapshotException(SnapshotErrorKind.BadInput, $"snapshot '{name}' holds no domain definition; it cannot be reverted to");
        var state = (string?)root.Element("state") ?? "nostate";
        var memory = root.Element("memory");
        var hasMemory = (string?)memory?.Attribute("snapshot") == "external" && state is "running" or "paused";

        var (start, target) = options.BranchTip ? DecideBranchTip(name, options) : Decide(name, state, hasMemory, options);
        var disks = FrozenDisks(name, root, definition, files);

        if (start == RevertStart.Restore)
        {
            var file = (string?)memory?.Attribute("file");
            if (string.IsNullOrEmpty(file))
                throw new SnapshotException(SnapshotErrorKind.BadInput, $"snapshot '{name}' names no memory file");
            if (!files.Exists(file))
                throw new SnapshotException(SnapshotErrorKind.NotFound, $"memory file '{file}' of snapshot '{name}' does not exist");
            try
            {
                SaveImageHeader.Read(file, files);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or LibvirtException)
            {
                throw new SnapshotException(SnapshotErrorKind.NotFound, $"memory file '{file}' of snapshot '{name}' cannot be read: {e.Message}", e);
            }
        }

        if (RevertEvents.HasProcess(currentState) && !options.Force && GuestAbi.Difference(currentDefinition, definition) is { } difference)
            throw SnapshotException.Naming(SnapshotErrorKind.BadInput,
                $"reverting to snapshot '{name}' changes the running guest's ABI ({difference}); pass {OptionName.Force} to accept it");

        return new ExternalRevertPlan(name, definition, disks, start == RevertStart.Restore ? (string?)memory!.Attribute("file") : null, start, target)
        {
            ResetNvram = options.ResetNvram,
        };
    }

    /// <summary>How the domain comes back, and in which state, for a snapshot state and a request.</summary>
    internal static (RevertStart Start, DomainState Target) Decide(string name, string state, bool hasMemory, SnapshotRevertOptions options)
    {
        var asked = options.Target switch
        {
            RevertTarget.Running => DomainState.Running,
            RevertTarget.Paused => DomainState.Paused,
            _ => (DomainState?)null,
        };
        switch (state)
        {
            case "running" or "paused" when hasMemory:
                return (RevertStart.Restore, asked ?? (state == "running" ? DomainState.Running : DomainState.Paused));
            case "shutoff":
                return asked is { } boot ? (RevertStart.FreshBoot, boot) : (RevertStart.DefineOnly, DomainState.Shutoff);
            case "disk-snapshot" or "running" or "paused":
                if (asked is not { } wanted)
                    return (RevertStart.DefineOnly, DomainState.Shutoff);
                if (!options.Force)
                    throw SnapshotException.Naming(SnapshotErrorKind.BadInput,
                        $"snapshot '{name}' is disk-only: it holds no memory to resume; to boot the guest fresh from its disks {(wanted == DomainState.Running ? "running" : "paused")}, pass {OptionName.Force}");
                return (RevertStart.FreshBoot, wanted);
            case "pmsuspended":
                throw new SnapshotException(SnapshotErrorKind.NotSupported,
                    $"snapshot '{name}' was taken in the pmsuspended state, which a save image cannot hold (S3 needs the old QEMU process)");
            default:
                throw new SnapshotException(SnapshotErrorKind.NotSupported, $"snapshot '{name}' is in state '{state}', which cannot be reverted to");
        }
    }

    // The branch tip is a disk state only: defined and left shut off, or booted afresh with Force.
    private static (RevertStart Start, DomainState Target) DecideBranchTip(string name, SnapshotRevertOptions options)
    {
        if (options.Target == RevertTarget.AsSnapshot)
            return (RevertStart.DefineOnly, DomainState.Shutoff);
        var wanted = options.Target == RevertTarget.Running ? DomainState.Running : DomainState.Paused;
        if (!options.Force)
            throw SnapshotException.Naming(SnapshotErrorKind.BadInput,
                $"the branch tip of snapshot '{name}' holds no memory: to boot the guest fresh from its latest disks {(wanted == DomainState.Running ? "running" : "paused")}, pass {OptionName.Force}");
        return (RevertStart.FreshBoot, wanted);
    }

    /// <summary>
    /// The frozen image of each disk the snapshot made external: the disk's source in the snapshot's own
    /// domain definition. Each must exist and be readable.
    /// </summary>
    internal static List<FrozenDisk> FrozenDisks(string name, XElement snapshot, XElement definition, IHypervisorFiles? files = null)
    {
        files ??= LocalFiles.Instance;
        var result = new List<FrozenDisk>();
        var domainDisks = definition.Element("devices")?.Elements("disk").ToList() ?? [];
        foreach (var disk in snapshot.Element("disks")?.Elements("disk") ?? [])
        {
            var target = (string?)disk.Attribute("name") ?? "";
            var mode = (string?)disk.Attribute("snapshot") ?? "no";
            if (mode == "no")
                continue;
            if (mode != "external")
                throw new SnapshotException(SnapshotErrorKind.NotSupported,
                    $"snapshot '{name}' mixes {mode} and external disks (disk {target}); only external disks can be reverted to here");
            var match = domainDisks.FirstOrDefault(d => (string?)d.Element("target")?.Attribute("dev") == target
                    || (string?)d.Element("source")?.Attribute("file") == target)
                ?? throw new SnapshotException(SnapshotErrorKind.BadInput, $"snapshot '{name}' names disk {target}, which its domain definition lacks");
            var path = (string?)match.Element("source")?.Attribute("file");
            if (string.IsNullOrEmpty(path) || (string?)match.Attribute("type") is not (null or "file"))
                throw new SnapshotException(SnapshotErrorKind.NotSupported, $"disk {target} of snapshot '{name}' is not a file; only file-backed disks can be reverted to");
            CheckReadable(name, target, path, files);
            var dev = (string?)match.Element("target")?.Attribute("dev") ?? target;
            result.Add(new FrozenDisk(dev, path, (string?)match.Element("driver")?.Attribute("type") ?? "raw"));
        }
        if (result.Count == 0)
            throw new SnapshotException(SnapshotErrorKind.BadInput, $"snapshot '{name}' froze no disk; there is nothing to revert to");
        return result;
    }

    private static void CheckReadable(string name, string target, string path, IHypervisorFiles files)
    {
        if (!files.Exists(path))
            throw new SnapshotException(SnapshotErrorKind.NotFound, $"frozen image '{path}' of disk {target} (snapshot '{name}') does not exist");
        try
        {
            files.Read(path, 0, 1);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or LibvirtException)
        {
            throw new SnapshotException(SnapshotErrorKind.NotFound, $"frozen image '{path}' of disk {target} (snapshot '{name}') cannot be read: {e.Message}", e);
        }
    }
}
