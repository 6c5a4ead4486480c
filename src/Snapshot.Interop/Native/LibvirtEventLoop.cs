namespace Snapshot.Interop;

/// <summary>
/// libvirt's default event loop: registered exactly once, before any connection is opened, and run on one
/// dedicated background thread. Event callbacks (and keepalives of remote connections) run on that thread.
/// </summary>
internal static class LibvirtEventLoop
{
    private static readonly Lock s_lock = new();
    private static Thread? s_thread;

    public static Thread? Thread => Volatile.Read(ref s_thread);

    public static void EnsureStarted()
    {
        if (Volatile.Read(ref s_thread) is not null)
        {
            return;
        }

        lock (s_lock)
        {
            if (s_thread is not null)
            {
                return;
            }

            LibvirtError.Check(Interop.Libvirt.virEventRegisterDefaultImpl(), nameof(Interop.Libvirt.virEventRegisterDefaultImpl));
            var thread = new Thread(Run) { IsBackground = true, Name = "libvirt-event-loop" };
            thread.Start();
            Volatile.Write(ref s_thread, thread);
        }
    }

    private static void Run()
    {
        while (true)
        {
            if (Interop.Libvirt.virEventRunDefaultImpl() < 0)
            {
                // Nothing to report to: drop the error and keep the loop alive.
                _ = LibvirtError.Last(nameof(Interop.Libvirt.virEventRunDefaultImpl));
                Thread.Sleep(50);
            }
        }
    }
}
