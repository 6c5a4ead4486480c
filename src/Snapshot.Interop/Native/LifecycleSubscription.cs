using System.Runtime.InteropServices;

namespace Snapshot.Interop;

/// <summary>
/// One <c>virConnectDomainEventRegisterAny(VIR_DOMAIN_EVENT_ID_LIFECYCLE)</c> registration. A GCHandle to this
/// object is libvirt's opaque pointer and is freed by libvirt's free callback once the registration is gone.
/// The subscription holds a reference on the connection handle so the connection stays open while registered.
/// </summary>
internal sealed unsafe class LifecycleSubscription : IDisposable
{
    private readonly SafeConnectHandle _connection;
    private readonly Action<DomainLifecycleEvent> _handler;
    private int _callbackId = -1;
    private int _disposed;

    private LifecycleSubscription(SafeConnectHandle connection, Action<DomainLifecycleEvent> handler)
    {
        _connection = connection;
        _handler = handler;
    }

    public static LifecycleSubscription Register(LibvirtConnection connection, LibvirtDomain? domain, Action<DomainLifecycleEvent> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        var subscription = new LifecycleSubscription(connection.Handle, handler);
        var connectionAdded = false;
        var domainAdded = false;
        var gcHandle = GCHandle.Alloc(subscription);
        try
        {
            connection.Handle.DangerousAddRef(ref connectionAdded);
            domain?.Handle.DangerousAddRef(ref domainAdded);
            var id = Interop.Libvirt.virConnectDomainEventRegisterAny(
                connection.Handle,
                domainAdded ? domain!.Handle.DangerousGetHandle() : 0,
                (int)DomainEventId.Lifecycle,
                &OnLifecycle,
                (void*)GCHandle.ToIntPtr(gcHandle),
                &OnFree);
            if (id < 0)
            {
                throw LibvirtError.Last(nameof(Interop.Libvirt.virConnectDomainEventRegisterAny));
            }

            subscription._callbackId = id;
            return subscription;
        }
        catch
        {
            // libvirt does not call the free callback when registration fails.
            gcHandle.Free();
            if (connectionAdded)
            {
                connection.Handle.DangerousRelease();
            }

            throw;
        }
        finally
        {
            if (domainAdded)
            {
                domain!.Handle.DangerousRelease();
            }
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (Interop.Libvirt.virConnectDomainEventDeregisterAny(_connection, _callbackId) < 0)
        {
            Interop.Libvirt.virResetLastError();
        }

        _connection.DangerousRelease();
    }

    private void Dispatch(DomainLifecycleEvent e)
    {
        if (Volatile.Read(ref _disposed) == 0)
        {
            _handler(e);
        }
    }

    [UnmanagedCallersOnly]
    private static int OnLifecycle(nint connection, nint domain, int eventType, int detail, void* opaque)
    {
        try
        {
            var subscription = (LifecycleSubscription)GCHandle.FromIntPtr((nint)opaque).Target!;
            var name = NativeString.FromBorrowed(Interop.Libvirt.virDomainGetName(domain)) ?? string.Empty;
            var uuid = stackalloc byte[16];
            var id = Interop.Libvirt.virDomainGetUUID(domain, uuid) == 0 ? new Guid(new ReadOnlySpan<byte>(uuid, 16), bigEndian: true) : Guid.Empty;
            subscription.Dispatch(new DomainLifecycleEvent(name, id, (DomainEventType)eventType, detail, DateTimeOffset.UtcNow));
        }
#pragma warning disable CA1031 // An exception must never unwind into libvirt's event loop.
        catch (Exception)
#pragma warning restore CA1031
        {
        }

        return 0;
    }

    [UnmanagedCallersOnly]
    private static void OnFree(void* opaque)
    {
        GCHandle.FromIntPtr((nint)opaque).Free();
    }
}
