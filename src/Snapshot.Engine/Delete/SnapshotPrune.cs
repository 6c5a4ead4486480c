namespace Snapshot.Engine;

/// <summary>
/// Retention: deletes a domain's snapshots beyond the newest N, or older than a duration, oldest first (creation
/// time, then name), each through the delete of one snapshot (<see cref="SnapshotDelete"/>: its children
/// re-parented, its layers merged), never the current snapshot unless asked. The choice is made once, before the
/// first delete; a failure stops there, naming what was pruned and what is left.
/// </summary>
internal sealed class SnapshotPrune(EngineContext context)
{
    public static void CheckRequest(SnapshotPruneOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Require((options.Keep is null) != (options.OlderThan is null), $"give one of {OptionName.Keep} and {OptionName.OlderThan}");
        Require(options.Keep is null or >= 0, $"{OptionName.Keep} must be 0 or more");
        Require(options.OlderThan is null || options.OlderThan > TimeSpan.Zero, $"{OptionName.OlderThan} must be more than zero");
    }

    /// <summary>The snapshots that go, oldest first. Pure.</summary>
    public static List<SnapshotInfo> Choose(IEnumerable<SnapshotInfo> snapshots, SnapshotPruneOptions options, DateTimeOffset now)
    {
        var oldestFirst = snapshots.OrderBy(s => s.CreationTimeUnix).ThenBy(s => s.Name, StringComparer.Ordinal).ToList();
        var chosen = options.Keep is { } keep
            ? oldestFirst.Take(Math.Max(0, oldestFirst.Count - keep))
            : oldestFirst.Where(s => now - s.CreationTime > options.OlderThan!.Value);
        return chosen.Where(s => options.IncludeCurrent || !s.IsCurrent).ToList();
    }

    /// <summary>The domain's snapshots that the request chooses, oldest first (all a dry run does).</summary>
    public SnapshotPruneResult Chosen(DomainRef domain, SnapshotPruneOptions options)
    {
        using var dom = context.Resolve(domain);
        using var all = OwnedHandles.Of(dom.ListAllSnapshots());
        return new SnapshotPruneResult(Choose(SnapshotDescriptions.DescribeAll(dom, all), options, DateTimeOffset.UtcNow), 0);
    }

    public async Task<SnapshotPruneResult> RunAsync(DomainRef domain, SnapshotPruneOptions options, CancellationToken cancellationToken)
    {
        var chosen = Chosen(domain, options);
        var pruned = new List<string>();
        long bytes = 0;
        foreach (var snapshot in chosen)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                bytes += (await new SnapshotDelete(context).RunAsync(domain, snapshot.Name, new SnapshotDeleteOptions(), cancellationToken).ConfigureAwait(false)).BytesMerged;
            }
            catch (SnapshotException e)
            {
                var left = chosen.Select(s => s.Name).Except(pruned).Skip(1).ToList();
                throw new SnapshotException(e.Kind,
                    $"pruning stopped at snapshot '{snapshot.Name}': {e.Message}; pruned before it: {List(pruned)}; not reached: {List(left)}", e);
            }
            pruned.Add(snapshot.Name);
        }
        return new SnapshotPruneResult(chosen, bytes);
    }

    private static string List(List<string> names) => names.Count == 0 ? "none" : string.Join(", ", names);

    private static void Require(bool condition, FormattableString message)
    {
        if (!condition)
            throw SnapshotException.Naming(SnapshotErrorKind.BadInput, message);
    }
}
