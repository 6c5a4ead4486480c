using Snapshot.Engine;

namespace Snapshot.Docs.Tests.Examples;

public static class Reverting
{
    // begin-snippet: revert
    public static async Task<SnapshotInfo> RevertAsync(SnapshotEngine engine, string domain, string snapshot)
    {
        // Internal snapshots go through libvirt; external ones (which libvirt 9.0 refuses) through
        // the engine's own sequence. The call is the same.
        var reverted = await engine.Domain(domain).RevertAsync(snapshot, new SnapshotRevertOptions
        {
            Target = RevertTarget.Running,   // AsSnapshot (default), Running or Paused
            Force = false,                   // true: accept an ABI change, or boot a disk-only snapshot
            DiscardDescendants = false,      // true: delete the descendants and the files only they use
        });
        Console.WriteLine($"{domain} is back at {reverted.Name} ({reverted.Location}), current: {reverted.IsCurrent}");
        return reverted;
    }
    // end-snippet

    // begin-snippet: revert-current
    public static Task<SnapshotInfo> BackToCurrentAsync(SnapshotEngine engine, string domain) =>
        // The options are optional everywhere: these are the defaults (the state the snapshot had).
        engine.Domain(domain).RevertToCurrentAsync();
    // end-snippet

    // begin-snippet: delete
    public static Task DeleteBranchAsync(SnapshotEngine engine, string domain, string snapshot) =>
        // Snapshot (default): this one, children re-parented; Children: with all below it;
        // ChildrenOnly: all below it. MetadataOnly: libvirt's record only, files stay.
        engine.Domain(domain).DeleteAsync(snapshot, new SnapshotDeleteOptions(SnapshotDeleteMode.Children));
    // end-snippet
}
