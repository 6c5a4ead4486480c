using Snapshot.Interop;

namespace Snapshot.Engine;

/// <summary>Many snapshots described at once, their XML fetched concurrently when there are cores to spare.</summary>
internal static class SnapshotDescriptions
{
    // Descriptions are fetched concurrently only with cores to spare: the calls share one connection, whose
    // client serializes them, and the daemon needs CPU to answer. Measured on 2 cores with 1,000 snapshots:
    // 8 threads used 248 ms of CPU (futex contention in the client) against 136 ms for one, for no gain in time.
    private static readonly int DescribeParallelism = Math.Clamp(Environment.ProcessorCount / 2, 1, 8);

    public static List<SnapshotInfo> DescribeAll(LibvirtDomain dom, IReadOnlyList<LibvirtDomainSnapshot> snapshots)
    {
        string? current = null;
        if (dom.HasCurrentSnapshot)
        {
            using var c = dom.GetCurrentSnapshot();
            current = c.Name;
        }
        // Each XML is parsed on the thread that fetched it, while the other fetches wait on the daemon.
        var name = dom.Name;
        var result = new SnapshotInfo[snapshots.Count];
        ForEachConcurrently(snapshots.Count, i => result[i] = SnapshotXmlReader.Parse(name, snapshots[i].GetXmlDesc(), snapshots[i].Name == current));
        return [.. result];
    }

    /// <summary>
    /// Runs <paramref name="body"/> for 0..count-1 on up to DescribeParallelism dedicated threads. Not the
    /// thread pool: it starts with one thread per core and adds more slowly, while these threads mostly wait on the
    /// daemon (a short-lived CLI process would list with two threads).
    /// </summary>
    public static void ForEachConcurrently(int count, Action<int> body)
    {
        var workers = Math.Min(DescribeParallelism, count);
        if (workers <= 1)
        {
            for (var i = 0; i < count; i++)
                body(i);
            return;
        }
        var next = -1;
        Exception? failure = null;
        void Work()
        {
            try
            {
                int i;
                while (Volatile.Read(ref failure) is null && (i = Interlocked.Increment(ref next)) < count)
                    body(i);
            }
#pragma warning disable CA1031 // rethrown on the calling thread
            catch (Exception e)
#pragma warning restore CA1031
            {
                Interlocked.CompareExchange(ref failure, e, null);
            }
        }
        var threads = new Thread[workers - 1];
        for (var t = 0; t < threads.Length; t++)
        {
            threads[t] = new Thread(Work) { IsBackground = true, Name = "virt-snap describe" };
            threads[t].Start();
        }
        Work();
        foreach (var thread in threads)
            thread.Join();
        if (failure is not null)
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
    }
}
