using System.Runtime.InteropServices;

namespace Snapshot.Interop;

/// <summary>
/// One native <c>virConnectDomainEventRegisterAny(VIR_DOMAIN_EVENT_ID_LIFECYCLE)</c> registration per connection
/// and domain filter, shared by every managed handler: libvirt refuses a second registration of the same callback
/// for the same connection, event and domain ("event callback already tracked").
/// A GCHandle to the registration is libvirt's opaque pointer, freed by libvirt's free callback.
/// A live registration holds a reference on the connection handle, so the connection stays open while subscribed.
/// </summary>
internal sealed unsafe class LifecycleRegistration
{
    private readonly LibvirtConnection _connection;
    private readonly Guid _key;
    private volatile Action<DomainLifecycleEvent>[] _handlers = []; // replaced (never mutated) under the lock
    private int _callbackId = -1;

    private LifecycleRegistration(LibvirtConnection connection, Guid key)
    {
        _connection = connection;
        _key = key;
    }

    /// <summary>Adds <paramref name="handler"/> to the registration for <paramref name="domain"/> (null: all domains).</summary>
    public static IDisposable Subscribe(LibvirtConnection connection, LibvirtDomain? domain, Action<DomainLifecycleEvent> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        var key = domain?.Uuid ?? Guid.Empty;
        lock (connection.LifecycleRegistrations)
        {
            if (!connection.LifecycleRegistrations.TryGetValue(key, out var registration))
            {
                registration = new LifecycleRegistration(connection, key);
                registration.Register(domain);
                connection.LifecycleRegistrations.Add(key, registration);
            }

            registration._handlers = [.. registration._handlers, handler];
            return new Subscription(registration, handler);
        }
    }

    private void Register(LibvirtDomain? domain)
    {
        var handle = _connection.Handle;
        var connectionAdded = false;
        var domainAdded = false;
        var gcHandle = GCHandle.Alloc(this);
        try
        {
            handle.DangerousAddRef(ref connectionAdded);
            domain?.Handle.DangerousAddRef(ref domainAdded);
            var id = Interop.Libvirt.virConnectDomainEventRegisterAny(
                handle,
                domainAdded ? domain!.Handle.DangerousGetHandle() : 0,
                (int)DomainEventId.Lifecycle,
                &OnLifecycle,
                (void*)GCHandle.ToIntPtr(gcHandle),
                &OnFree);
            if (id < 0)
            {
                throw LibvirtError.Last(nameof(Interop.Libvirt.virConnectDomainEventRegisterAny));
            }

            _callbackId = id;
        }
        catch
        {
            // libvirt does not call the free callback when registration fails.
            gcHandle.Free();
            if (connectionAdded)
            {
                handle.DangerousRelease();
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

    private void Unsubscribe(Action<DomainLifecycleEvent> handler)
    {
        lock (_connection.LifecycleRegistrations)
        {
            var handlers = _handlers.ToList();
            handlers.Remove(handler);
            _handlers = [.. handlers];
            if (handlers.Count > 0)
            {
                return;
            }

            _connection.LifecycleRegistrations.Remove(_key);
            if (Interop.Libvirt.virConnectDomainEventDeregisterAny(_connection.Handle, _callbackId) < 0)
            {
                Interop.Libvirt.virResetLastError();
            }

            _connection.Handle.DangerousRelease();
        }
    }

    private void Dispatch(DomainLifecycleEvent e)
    {
        foreach (var handler in _handlers)
        {
            try
            {
                handler(e);
            }
#pragma warning disable CA1031 // One failing handler must not starve the others or unwind into libvirt.
            catch (Exception)
#pragma warning restore CA1031
            {
            }
        }
    }

    [UnmanagedCallersOnly]
    private static int OnLifecycle(nint connection, nint domain, int eventType, int detail, void* opaque)
    {
        try
        {
            var registration = (LifecycleRegistration)GCHandle.FromIntPtr((nint)opaque).Target!;
            var name = NativeString.FromBorrowed(Interop.Libvirt.virDomainGetName(domain)) ?? string.Empty;
            var uuid = stackalloc byte[16];
            var id = Interop.Libvirt.virDomainGetUUID(domain, uuid) == 0 ? new Guid(new ReadOnlySpan<byte>(uuid, 16), bigEndian: true) : Guid.Empty;
            registration.Dispatch(new DomainLifecycleEvent(name, id, (DomainEventType)eventType, detail, DateTimeOffset.UtcNow));
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

    private sealed class Subscription(LifecycleRegistration registration, Action<DomainLifecycleEvent> handler) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                registration.Unsubscribe(handler);
            }
        }
    }
}
