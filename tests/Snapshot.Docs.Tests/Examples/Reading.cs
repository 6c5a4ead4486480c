using Snapshot.Engine;

namespace Snapshot.Docs.Tests.Examples;

public static class Reading
{
    // begin-snippet: list
    public static void PrintList(SnapshotEngine engine, string domain)
    {
        // The filter takes every snapshot-list option (Roots, Leaves, External, From, Topological, ...).
        foreach (var s in engine.List(domain, new SnapshotListFilter()).OrderBy(s => s.CreationTimeUnix))
            Console.WriteLine($"{s.Name,-15} {s.CreationTime:yyyy-MM-dd HH:mm} {s.State,-8} {s.Location}{(s.IsCurrent ? " (current)" : "")}");
    }
    // end-snippet

    // begin-snippet: tree
    public static void PrintTree(SnapshotEngine engine, string domain)
    {
        var children = engine.List(domain, new SnapshotListFilter()).ToLookup(s => s.Parent);
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
    public static void PrintInfo(SnapshotEngine engine, string domain)
    {
        var current = engine.GetCurrent(domain) ?? throw new InvalidOperationException($"{domain} has no current snapshot");
        var details = engine.GetInfo(domain, current.Name);
        Console.WriteLine($"{current.Name}: parent {current.Parent ?? "-"}, {details.Children} children, {details.Descendants} descendants");
        Console.WriteLine($"memory: {current.MemorySnapshot ?? "-"}, disks: {string.Join(", ", current.Disks.Select(d => $"{d.Name}={d.Snapshot}"))}");
    }
    // end-snippet
}
