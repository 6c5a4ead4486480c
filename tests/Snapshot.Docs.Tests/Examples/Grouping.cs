using Snapshot.Engine;

namespace Snapshot.Docs.Tests.Examples;

/// <summary>docs/library.md's group snapshot example (needs QEMU guests: compiled, not run).</summary>
public static class Grouping
{
    // begin-snippet: create-group
    public static async Task CutAndRevertAsync(SnapshotEngine engine, CancellationToken cancellationToken)
    {
        var group = await engine.CreateGroupAsync(new SnapshotGroupCreateOptions
        {
            Name = "before-migration",
            // Paused in this order; every member is paused at group.Instant.
            Domains = ["db1", "app1", "client1"],
            Directory = "/var/lib/libvirt/images",
        }, cancellationToken);
        Console.WriteLine($"{group.Members.Count} domains paused within {group.Spread.TotalMilliseconds:0.0} ms, " +
            $"all at once for {group.CommonPause.TotalMilliseconds:0.0} ms");

        // Later, from any process on the host: every member back at the same instant, resumed together.
        var reverted = await engine.RevertGroupAsync("before-migration", RevertTarget.Running, cancellationToken);
        Console.WriteLine($"resumed within {reverted.ResumeSpread.TotalMilliseconds:0.0} ms");
    }
    // end-snippet
}
