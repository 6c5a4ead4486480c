using Snapshot.Engine;

namespace Snapshot.Docs.Tests.Examples;

public static class Reading
{
    // begin-snippet: list
    public static async Task PrintListAsync(SnapshotEngine engine, string domain)
    {
        // ListAsync(filter) takes snapshot-list's filters (Roots, Leaves, External, From, Topological, ...).
        foreach (var s in (await engine.Domain(domain).ListAsync()).OrderBy(s => s.CreationTimeUnix))
            Console.WriteLine($"{s.Name,-15} {s.CreationTime:yyyy-MM-dd HH:mm} {s.State.ToLibvirtWord(),-8} {s.Location}{(s.IsCurrent ? " (current)" : "")}");
    }
    // end-snippet

    // begin-snippet: tree
    public static async Task PrintTreeAsync(SnapshotEngine engine, string domain)
    {
        var children = (await engine.Domain(domain).ListAsync()).ToLookup(s => s.Parent);
        void Print(string? parent, string indent)
        {
            foreach (var s in children[parent].OrderBy(s => s.CreationTimeUnix))
            {
                Console.WriteLine(indent + s.Name);
                Print(s.Name, indent + "  ");
            }
        }
        Print(null, "");
    }
    // end-snippet

    // begin-snippet: info
    public static async Task PrintInfoAsync(SnapshotEngine engine, string domain)
    {
        var web = engine.Domain(domain);
        var current = await web.GetCurrentAsync() ?? throw new InvalidOperationException($"{domain} has no current snapshot");
        var details = await web.GetDetailsAsync(current.Name);
        Console.WriteLine($"{current.Name}: parent {current.Parent ?? "-"}, {details.Children} children, {details.Descendants} descendants");
        // State, MemorySnapshot and each disk's Snapshot are enums; ToLibvirtWord() gives virsh's word.
        Console.WriteLine($"memory: {current.MemorySnapshot?.ToLibvirtWord() ?? "-"}, disks: {string.Join(", ", current.Disks.Select(d => $"{d.Name}={d.Snapshot?.ToLibvirtWord()}"))}");
    }
    // end-snippet
}
