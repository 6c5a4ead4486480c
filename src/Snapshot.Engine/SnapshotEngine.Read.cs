using Snapshot.Interop;

namespace Snapshot.Engine;

public sealed partial class SnapshotEngine
{
    // Descriptions are fetched concurrently: each is a round trip to the daemon, and libvirt
    // serves several at once on one connection.
    private const int DescribeParallelism = 8;

    /// <summary>Lists a domain's snapshots that pass <paramref name="filter"/>, in libvirt's order (parents first with Topological).</summary>
    public IReadOnlyList<SnapshotInfo> List(string domain, SnapshotListFilter filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ListRules.Check(filter);
        using var dom = Domain(domain);
        var flags = ListRules.ToFlags(filter);

        IReadOnlyList<LibvirtDomainSnapshot> snapshots;
        if (filter.From is not null || filter.FromCurrent)
        {
            using var from = filter.FromCurrent ? CurrentOrThrow(dom) : Lookup(dom, filter.From!);
            snapshots = from.ListAllChildren(flags);
        }
        else
        {
            snapshots = dom.ListAllSnapshots(flags);
        }
        try
        {
            return DescribeAll(dom, snapshots);
        }
        finally
        {
            foreach (var s in snapshots)
                s.Dispose();
        }
    }

    /// <summary>A snapshot with the counts <c>snapshot-info</c> shows.</summary>
    public SnapshotDetails GetInfo(string domain, string name)
    {
        using var dom = Domain(domain);
        using var snapshot = Lookup(dom, name);
        return new SnapshotDetails(
            Describe(snapshot),
            snapshot.ChildCount(),
            snapshot.ChildCount(SnapshotListFlags.Descendants),
            snapshot.HasMetadata);
    }

    /// <summary>One snapshot.</summary>
    public SnapshotInfo Get(string domain, string name)
    {
        using var dom = Domain(domain);
        using var snapshot = Lookup(dom, name);
        return Describe(snapshot);
    }

    /// <summary>The current snapshot, or null when the domain has none.</summary>
    public SnapshotInfo? GetCurrent(string domain)
    {
        using var dom = Domain(domain);
        if (!dom.HasCurrentSnapshot)
            return null;
        using var current = dom.GetCurrentSnapshot();
        return Describe(current);
    }

    /// <summary>Makes <paramref name="name"/> the current snapshot without reverting to it.</summary>
    public SnapshotInfo SetCurrent(string domain, string name)
    {
        using var dom = Domain(domain);
        using var snapshot = Lookup(dom, name);
        // libvirt has no setter: redefining the snapshot's own full XML with CURRENT is how virsh does it.
        var xml = snapshot.GetXmlDesc(SnapshotXmlFlags.Secure);
        using var redefined = dom.CreateSnapshot(xml, SnapshotCreateFlags.Redefine | SnapshotCreateFlags.Current);
        return Describe(redefined);
    }

    /// <summary>The parent, or null for a root.</summary>
    public SnapshotInfo? GetParent(string domain, string name)
    {
        using var dom = Domain(domain);
        using var snapshot = Lookup(dom, name);
        var parentName = SnapshotXmlReader.Parse(dom.Name, snapshot.GetXmlDesc(), isCurrent: false).Parent;
        if (parentName is null)
            return null;
        using var parent = Lookup(dom, parentName);
        return Describe(parent);
    }

    /// <summary>The snapshot's XML, as libvirt describes it.</summary>
    public string GetXml(string domain, string name, bool securityInfo = false)
    {
        using var dom = Domain(domain);
        using var snapshot = Lookup(dom, name);
        return snapshot.GetXmlDesc(securityInfo ? SnapshotXmlFlags.Secure : 0);
    }

    /// <summary>The current snapshot's XML, or null when there is none.</summary>
    public string? GetCurrentXml(string domain, bool securityInfo = false)
    {
        using var dom = Domain(domain);
        if (!dom.HasCurrentSnapshot)
            return null;
        using var current = dom.GetCurrentSnapshot();
        return current.GetXmlDesc(securityInfo ? SnapshotXmlFlags.Secure : 0);
    }

    private static LibvirtDomainSnapshot CurrentOrThrow(LibvirtDomain dom) =>
        dom.HasCurrentSnapshot
            ? dom.GetCurrentSnapshot()
            : throw new SnapshotException(SnapshotErrorKind.NotFound, $"domain '{dom.Name}' has no current snapshot");

    private static List<SnapshotInfo> DescribeAll(LibvirtDomain dom, IReadOnlyList<LibvirtDomainSnapshot> snapshots)
    {
        string? current = null;
        if (dom.HasCurrentSnapshot)
        {
            using var c = dom.GetCurrentSnapshot();
            current = c.Name;
        }
        var xmls = new string[snapshots.Count];
        Parallel.For(0, snapshots.Count, new ParallelOptions { MaxDegreeOfParallelism = DescribeParallelism },
            i => xmls[i] = snapshots[i].GetXmlDesc());
        var result = new List<SnapshotInfo>(snapshots.Count);
        for (var i = 0; i < snapshots.Count; i++)
            result.Add(SnapshotXmlReader.Parse(dom.Name, xmls[i], snapshots[i].Name == current));
        return result;
    }
}
