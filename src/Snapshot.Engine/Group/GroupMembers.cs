using System.Xml.Linq;
using Snapshot.Interop;

namespace Snapshot.Engine;

/// <summary>
/// The domains of a group operation, looked up and locked together: each by its own operation lock
/// (<see cref="DomainLock"/>), all taken before any member is checked, so that no other virt-snap changes a member
/// while the group works on it. A held lock is refused at once, with the locks already taken released. Under the
/// locks, as for one domain's changing call: an operation a dead process left half done on a member is recovered
/// first, and each member gets its own journal of <c>memberOperation</c> (what a kill leaves is recovered per
/// member, as that operation of one domain).
/// </summary>
internal sealed class GroupMembers : IDisposable
{
    private readonly List<DomainLock> _locks = [];
    private readonly List<OperationJournal> _journals = [];

    private GroupMembers(List<LibvirtDomain> domains) => Domains = domains;

    public IReadOnlyList<LibvirtDomain> Domains { get; }

    /// <summary>Each member's journal, in the order of <see cref="Domains"/>.</summary>
    public IReadOnlyList<OperationJournal> Journals => _journals;

    public static async Task<GroupMembers> LockAsync(EngineContext context, IEnumerable<DomainRef> domains, string operation, string memberOperation,
        CancellationToken ct)
    {
        var resolved = new List<LibvirtDomain>();
        var members = new GroupMembers(resolved);
        try
        {
            foreach (var dom in domains.Select(context.Resolve))
            {
                resolved.Add(dom);
                if (resolved.Take(resolved.Count - 1).Any(d => d.Uuid == dom.Uuid))
                    throw new SnapshotException(SnapshotErrorKind.BadInput, $"domain '{dom.Name}' is named twice in the group");
            }
            foreach (var dom in resolved)
                members._locks.Add(await DomainLock.AcquireAsync(context.Connection, dom, operation, ct).ConfigureAwait(false));
            foreach (var dom in resolved)
            {
                await JournalRecovery.RecoverAsync(context, dom, ct, [.. resolved.Select(d => d.Uuid)]).ConfigureAwait(false);
                members._journals.Add(OperationJournal.For(context.Journals, context.Connection, dom, memberOperation));
            }
            return members;
        }
        catch
        {
            members.Dispose();
            throw;
        }
    }

    /// <summary>The instant snapshot request of one member: the group's name, and its files in the group's directory when one is given.</summary>
    public static SnapshotCreateOptions MemberRequest(SnapshotGroupCreateOptions group, LibvirtDomain dom, IHypervisorFiles files)
    {
        var xml = XElement.Parse(dom.GetXmlDesc());
        var disks = new List<DiskSpec>();
        string memory;
        if (group.Directory is { } dir)
        {
            memory = Path.Combine(dir, $"{dom.Name}.{group.Name}.mem");
            var plan = InstantPreflight.PlanDisks(xml, group.Name, [], reuseExternal: false, memory, files);
            disks.AddRange(plan.Where(d => d.External).Select(d => DiskSpec.External(d.Target, Path.Combine(dir, $"{dom.Name}.{group.Name}.{d.Target}.qcow2"))));
        }
        else
        {
            var image = xml.Element("devices")?.Elements("disk")
                .Where(d => (string?)d.Attribute("device") is "disk" or null)
                .Select(d => (string?)d.Element("source")?.Attribute("file")).FirstOrDefault(f => f is not null)
                ?? throw new SnapshotException(SnapshotErrorKind.BadInput, $"domain '{dom.Name}' has no file-backed disk to put its memory file beside; give a directory for the group's files");
            memory = Path.Combine(Path.GetDirectoryName(image)!, $"{dom.Name}.{group.Name}.mem");
        }
        return new SnapshotCreateOptions
        {
            Name = group.Name,
            Description = group.Description,
            Memory = MemorySpec.External(memory),
            Disks = disks,
            Modifiers = new SnapshotCreateModifiers { Instant = true },
        };
    }

    /// <summary>The group's own rules, before any domain is looked up.</summary>
    public static void CheckRequest(SnapshotGroupCreateOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(options.Domains);
        CheckName(options.Name);
        if (options.Domains.Count == 0)
            throw new SnapshotException(SnapshotErrorKind.BadInput, "a group snapshot needs at least one domain");
        if (options.Directory is { } dir && (!Path.IsPathFullyQualified(dir) || !System.IO.Directory.Exists(dir)))
            throw new SnapshotException(SnapshotErrorKind.BadInput, $"the group's directory must be an absolute path to an existing directory, got '{dir}'");
    }

    public static void CheckName(string? name)
    {
        if (string.IsNullOrEmpty(name))
            throw new SnapshotException(SnapshotErrorKind.BadInput, "the group's name is empty");
        if (name.Contains('/', StringComparison.Ordinal) || name.StartsWith('.') || name.Any(char.IsControl))
            throw new SnapshotException(SnapshotErrorKind.BadInput, $"the group's name '{name}' names its files: it may not contain '/' or control characters, nor start with '.'");
    }

    public void Dispose()
    {
        // Ended here, done or rolled back: only a process that dies leaves its journals.
        foreach (var journal in _journals)
            journal.Complete();
        foreach (var held in _locks)
            held.Dispose();
        foreach (var dom in Domains)
            dom.Dispose();
    }
}
