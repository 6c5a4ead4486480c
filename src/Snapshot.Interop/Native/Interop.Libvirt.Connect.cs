using System.Runtime.InteropServices;

namespace Snapshot.Interop;

internal static unsafe partial class Interop
{
    internal static partial class Libvirt
    {
        [LibraryImport(Libraries.Libvirt, StringMarshalling = StringMarshalling.Utf8)]
        internal static partial SafeConnectHandle virConnectOpen(string? name);

        [LibraryImport(Libraries.Libvirt, StringMarshalling = StringMarshalling.Utf8)]
        internal static partial SafeConnectHandle virConnectOpenReadOnly(string? name);

        [LibraryImport(Libraries.Libvirt, StringMarshalling = StringMarshalling.Utf8)]
        internal static partial SafeConnectHandle virConnectOpenAuth(string? name, void* auth, uint flags);

        [LibraryImport(Libraries.Libvirt)]
        internal static partial int virConnectClose(nint conn);

        [LibraryImport(Libraries.Libvirt)]
        internal static partial int virConnectSetKeepAlive(SafeConnectHandle conn, int interval, uint count);

        [LibraryImport(Libraries.Libvirt)]
        internal static partial nint virConnectGetURI(SafeConnectHandle conn);

        [LibraryImport(Libraries.Libvirt)]
        internal static partial nint virConnectGetHostname(SafeConnectHandle conn);

        [LibraryImport(Libraries.Libvirt)]
        internal static partial byte* virConnectGetType(SafeConnectHandle conn);

        [LibraryImport(Libraries.Libvirt)]
        internal static partial int virConnectGetVersion(SafeConnectHandle conn, out CULong hvVer);

        [LibraryImport(Libraries.Libvirt)]
        internal static partial int virConnectGetLibVersion(SafeConnectHandle conn, out CULong libVer);

        [LibraryImport(Libraries.Libvirt)]
        internal static partial nint virConnectGetCapabilities(SafeConnectHandle conn);

        [LibraryImport(Libraries.Libvirt)]
        internal static partial int virConnectIsAlive(SafeConnectHandle conn);

        [LibraryImport(Libraries.Libvirt)]
        internal static partial int virConnectListAllDomains(SafeConnectHandle conn, out nint* domains, uint flags);
    }
}
