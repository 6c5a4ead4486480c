using System.Diagnostics;

namespace Snapshot.Engine;

/// <summary>
/// The <c>qemu-img commit</c> and <c>rebase</c> runs a killed delete left on its images: a child outlives its killed
/// parent, goes on writing and holds the image's write lock, so that recovery's own run of the same merge would fail
/// on the lock, or race it. They are stopped, not waited for: a commit cut short writes only into the free layer
/// (recovery redoes it from its start, never trusting it) and a rebase only adds to an image what it already read
/// through its old backing, so the state a kill leaves is one recovery is built to finish.
/// </summary>
internal static class ImageToolProcesses
{
    private static readonly TimeSpan ExitWait = TimeSpan.FromSeconds(30);

    /// <summary>SIGKILLs every local qemu-img commit or rebase whose arguments name one of <paramref name="files"/>; returns their pids.</summary>
    public static async Task<IReadOnlyList<int>> StopAsync(IEnumerable<string> files, CancellationToken cancellationToken)
    {
        var wanted = files.Select(Path.GetFullPath).ToHashSet(StringComparer.Ordinal);
        var stopped = new List<int>();
        foreach (var process in Process.GetProcessesByName("qemu-img"))
        {
            using (process)
            {
                if (!Merges(process.Id, wanted))
                    continue;
                try
                {
                    process.Kill();
                    using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                    limit.CancelAfter(ExitWait);
                    await process.WaitForExitAsync(limit.Token).ConfigureAwait(false);
                    stopped.Add(process.Id);
                }
                catch (InvalidOperationException)
                {
                    // It ended by itself in the meantime.
                }
            }
        }
        return stopped;
    }

    private static bool Merges(int pid, HashSet<string> files)
    {
        string[] arguments;
        try
        {
            arguments = File.ReadAllText($"/proc/{pid}/cmdline").Split('\0');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false; // gone already
        }
        return arguments.Skip(1).Any(a => a is "commit" or "rebase")
            && arguments.Any(a => a.StartsWith('/') && files.Contains(Path.GetFullPath(a)));
    }
}
