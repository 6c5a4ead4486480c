using Snapshot.Engine;
using Snapshot.Interop;

namespace Snapshot.Docs.Tests.Examples;

public static class Errors
{
    // begin-snippet: errors
    public static int Describe(SnapshotEngine engine, string domain, string snapshot)
    {
        try
        {
            var s = engine.Get(domain, snapshot);
            Console.WriteLine($"{s.Name}: {s.State}");
            return 0;
        }
        catch (Exception e) when (e is SnapshotException or LibvirtException or OperationCanceledException or ArgumentException)
        {
            // One classification for everything the engine throws; virt-snap's exit code is this number.
            var kind = SnapshotEngine.Classify(e);
            Console.WriteLine($"{kind}: {e.Message}");
            return (int)kind;   // Failed 1, BadInput 2, NotFound 3, NotSupported 4, Cancelled 130
        }
    }
    // end-snippet

    // begin-snippet: errors-typed
    public static async Task RevertOrExplainAsync(SnapshotEngine engine, string domain, string snapshot)
    {
        try
        {
            await engine.RevertAsync(domain, snapshot, new SnapshotRevertOptions());
        }
        catch (SnapshotNotFoundException e)       // libvirt's VIR_ERR_NO_DOMAIN_SNAPSHOT (DomainNotFoundException likewise)
        {
            Console.WriteLine($"no such snapshot: {e.Message}");
        }
        catch (SnapshotException e) when (e.Kind == SnapshotErrorKind.BadInput)
        {
            // e.g. a disk-only snapshot asked to run without Force: nothing was touched.
            Console.WriteLine($"refused: {e.Message}");
        }
        catch (LibvirtException e)
        {
            Console.WriteLine($"libvirt: {e.Code} ({e.ErrorDomain}): {e.Message}");
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
