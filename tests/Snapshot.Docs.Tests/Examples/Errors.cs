using Snapshot.Engine;

namespace Snapshot.Docs.Tests.Examples;

public static class Errors
{
    // begin-snippet: errors
    public static async Task<SnapshotErrorKind?> DescribeAsync(SnapshotEngine engine, string domain, string snapshot)
    {
        try
        {
            var s = await engine.Domain(domain).GetAsync(snapshot);
            Console.WriteLine($"{s.Name}: {s.State}");
            return null;
        }
        catch (SnapshotException e)
        {
            // One type for every failure; its Kind says which (a missing domain and a missing snapshot
            // are both NotFound), and libvirt's own exception, when there was one, is the inner one.
            Console.WriteLine($"{e.Kind}: {e.Message}");
            return e.Kind;
        }
    }
    // end-snippet

    // begin-snippet: errors-typed
    public static async Task RevertOrExplainAsync(SnapshotEngine engine, string domain, string snapshot)
    {
        try
        {
            await engine.Domain(domain).RevertAsync(snapshot);
        }
        catch (SnapshotException e) when (e.Kind == SnapshotErrorKind.NotFound)
        {
            Console.WriteLine($"no such domain or snapshot: {e.Message}");
        }
        catch (SnapshotException e) when (e.Kind == SnapshotErrorKind.BadInput)
        {
            // e.g. a disk-only snapshot asked to run without Force: nothing was touched.
            Console.WriteLine($"refused: {e.Message}");
        }
        catch (SnapshotException e)
        {
            // Failed, NotSupported, AlreadyExists, AccessDenied; libvirt's error, if any, is inside.
            Console.WriteLine($"{e.Kind}: {e.Message} (cause: {e.InnerException?.GetType().Name ?? "none"})");
        }
    }
    // end-snippet

    // begin-snippet: cancel
    public static async Task TakeWithDeadlineAsync(SnapshotEngine engine, string domain)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        try
        {
            await Creating.TakeInstantSnapshotAsync(engine, domain, cts.Token);
        }
        catch (OperationCanceledException e)
        {
            // An instant snapshot's cancel lets QEMU finish streaming the memory, discarded (cancelling
            // QEMU's write stalls the guest on QEMU 7.2), then deletes the partial file. The guest runs
            // throughout; the message lists what is left, e.g. the disks' new overlays.
            Console.WriteLine(e.Message);
        }
    }
    // end-snippet
}
