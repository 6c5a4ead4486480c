using Snapshot.Interop;

namespace Snapshot.Engine;

/// <summary>The read-only calls: list, links, info, get, current, parent, XML; and setting the current snapshot.</summary>
internal sealed class SnapshotReader(EngineContext context)
{
    /// <summary>Lists a domain's snapshots that pass <paramref name="filter"/>, in libvirt's order (parents first with Topological).</summary>
    public IReadOnlyList<SnapshotInfo> List(DomainRef domain, SnapshotListFilter filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ListRules.Check(filter);
        using var dom = context.Resolve(domain);
        using var snapshots = Select(dom, filter, ListRules.ToFlags(filter));
        return SnapshotDescriptions.DescribeAll(dom, snapshots);
    }

    /// <summary>
    /// The names and parents of the snapshots <see cref="List"/> would return, in the same order: what a tree needs,
    /// at one light call per snapshot (its parent) instead of its whole XML description.
    /// </summary>
    public IReadOnlyList<SnapshotLink> ListLinks(DomainRef domain, SnapshotListFilter filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ListRules.Check(filter);
        using var dom = context.Resolve(domain);
        using var snapshots = Select(dom, filter, ListRules.ToFlags(filter));
        // Roots are known up front (one call), so that asking for a parent rarely fails: a failed call
        // costs an exception, and a first exception costs milliseconds in a short-lived process.
        var roots = new HashSet<string>(StringComparer.Ordinal);
        if (filter.From is null && !filter.FromCurrent)
            roots.UnionWith(dom.ListSnapshotNames(SnapshotListFlags.Roots));
        var links = new SnapshotLink[snapshots.Count];
        SnapshotDescriptions.ForEachConcurrently(snapshots.Count, i =>
        {
            var name = snapshots[i].Name;
            links[i] = new SnapshotLink(name, roots.Contains(name) ? null : ParentName(snapshots[i]));
        });
        return links;
    }

    private static OwnedHandles<LibvirtDomainSnapshot> Select(LibvirtDomain dom, SnapshotListFilter filter, SnapshotListFlags flags)
    {
        if (filter.From is null && !filter.FromCurrent)
            return OwnedHandles.Of(dom.ListAllSnapshots(flags));
        using var from = filter.FromCurrent ? EngineContext.CurrentOrThrow(dom) : EngineContext.Lookup(dom, filter.From!);
        return OwnedHandles.Of(from.ListAllChildren(flags));
    }

    private static string? ParentName(LibvirtDomainSnapshot snapshot)
    {
        try
        {
            using var parent = snapshot.GetParent();
            return parent.Name;
        }
        catch (SnapshotNotFoundException)
        {
            return null; // a root
        }
    }

    /// <summary>A snapshot with the counts <c>snapshot-info</c> shows.</summary>
    public async Task<SnapshotDetails> GetInfoAsync(DomainRef domain, string name, CancellationToken cancellationToken)
    {
        SnapshotDetails details;
        string xml;
        using (var dom = context.Resolve(domain))
        using (var snapshot = EngineContext.Lookup(dom, name))
        {
            details = new SnapshotDetails(
                EngineContext.Describe(snapshot),
                snapshot.ChildCount(),
                snapshot.ChildCount(SnapshotListFlags.Descendants),
                snapshot.HasMetadata);
            xml = snapshot.GetXmlDesc();
        }
        if (details.Snapshot.Location != SnapshotLocation.External)
            return details;
        return details with { HasBranchTip = await BranchTips.ExistsAsync(xml, context.Files, cancellationToken).ConfigureAwait(false) };
    }

    /// <summary>One snapshot.</summary>
    public SnapshotInfo Get(DomainRef domain, string name)
    {
        using var dom = context.Resolve(domain);
        using var snapshot = EngineContext.Lookup(dom, name);
        return EngineContext.Describe(snapshot);
    }

    /// <summary>The current snapshot, or null when the domain has none.</summary>
    public SnapshotInfo? GetCurrent(DomainRef domain)
    {
        using var dom = context.Resolve(domain);
        if (!dom.HasCurrentSnapshot)
            return null;
        using var current = dom.GetCurrentSnapshot();
        return EngineContext.Describe(current);
    }

    /// <summary>Makes <paramref name="name"/> the current snapshot without reverting to it.</summary>
    public SnapshotInfo SetCurrent(DomainRef domain, string name)
    {
        using var dom = context.Resolve(domain);
        using var snapshot = EngineContext.Lookup(dom, name);
        // libvirt has no setter: redefining the snapshot's own full XML with CURRENT is how virsh does it.
        var xml = snapshot.GetXmlDesc(SnapshotXmlFlags.Secure);
        using var redefined = dom.CreateSnapshot(xml, SnapshotCreateFlags.Redefine | SnapshotCreateFlags.Current);
        return EngineContext.Describe(redefined);
    }

    /// <summary>The parent, or null for a root.</summary>
    public SnapshotInfo? GetParent(DomainRef domain, string name)
    {
        using var dom = context.Resolve(domain);
        using var snapshot = EngineContext.Lookup(dom, name);
        var parentName = SnapshotXmlReader.Parse(dom.Name, snapshot.GetXmlDesc(), isCurrent: false).Parent;
        if (parentName is null)
            return null;
        using var parent = EngineContext.Lookup(dom, parentName);
        return EngineContext.Describe(parent);
    }

    /// <summary>The snapshot's XML, as libvirt describes it.</summary>
    public string GetXml(DomainRef domain, string name, bool securityInfo = false)
    {
        using var dom = context.Resolve(domain);
        using var snapshot = EngineContext.Lookup(dom, name);
        return snapshot.GetXmlDesc(securityInfo ? SnapshotXmlFlags.Secure : 0);
    }

    /// <summary>The current snapshot's XML, or null when there is none.</summary>
    public string? GetCurrentXml(DomainRef domain, bool securityInfo = false)
    {
        using var dom = context.Resolve(domain);
        if (!dom.HasCurrentSnapshot)
            return null;
        using var current = dom.GetCurrentSnapshot();
        return current.GetXmlDesc(securityInfo ? SnapshotXmlFlags.Secure : 0);
    }
}
