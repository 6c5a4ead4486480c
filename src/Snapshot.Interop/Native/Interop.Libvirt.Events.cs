using System.Runtime.InteropServices;

namespace Snapshot.Interop;

internal static unsafe partial class Interop
{
    internal static partial class Libvirt
    {
        [LibraryImport(Libraries.Libvirt)]
        internal static partial int virEventRegisterDefaultImpl();

        [LibraryImport(Libraries.Libvirt)]
        internal static partial int virEventRunDefaultImpl();

        [LibraryImport(Libraries.Libvirt)]
        internal static partial int virConnectDomainEventRegisterAny(
            SafeConnectHandle conn,
            nint dom,
            int eventID,
            delegate* unmanaged<nint, nint, int, int, void*, int> cb,
            void* opaque,
            delegate* unmanaged<void*, void> freecb);

        [LibraryImport(Libraries.Libvirt)]
        internal static partial int virConnectDomainEventDeregisterAny(SafeConnectHandle conn, int callbackID);
    }
}
