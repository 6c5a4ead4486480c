using System.Runtime.InteropServices;

namespace Snapshot.Interop;

internal static unsafe partial class Interop
{
    /// <summary>Layout of <c>struct _virStorageVolInfo</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct VirStorageVolInfo
    {
        public int Type;
        public ulong Capacity;
        public ulong Allocation;
    }

    internal static partial class Libvirt
    {
        [LibraryImport(Libraries.Libvirt, StringMarshalling = StringMarshalling.Utf8)]
        internal static partial SafeStoragePoolHandle virStoragePoolLookupByTargetPath(SafeConnectHandle conn, string path);

        [LibraryImport(Libraries.Libvirt, StringMarshalling = StringMarshalling.Utf8)]
        internal static partial SafeStoragePoolHandle virStoragePoolCreateXML(SafeConnectHandle conn, string xml, uint flags);

        [LibraryImport(Libraries.Libvirt)]
        internal static partial int virStoragePoolDestroy(SafeStoragePoolHandle pool);

        [LibraryImport(Libraries.Libvirt)]
        internal static partial int virStoragePoolRefresh(SafeStoragePoolHandle pool, uint flags);

        [LibraryImport(Libraries.Libvirt)]
        internal static partial int virStoragePoolIsPersistent(SafeStoragePoolHandle pool);

        [LibraryImport(Libraries.Libvirt)]
        internal static partial byte* virStoragePoolGetName(SafeStoragePoolHandle pool);

        [LibraryImport(Libraries.Libvirt)]
        internal static partial int virStoragePoolListAllVolumes(SafeStoragePoolHandle pool, out nint* volumes, uint flags);

        [LibraryImport(Libraries.Libvirt)]
        internal static partial int virStoragePoolFree(nint pool);

        [LibraryImport(Libraries.Libvirt, StringMarshalling = StringMarshalling.Utf8)]
        internal static partial SafeStorageVolHandle virStorageVolLookupByPath(SafeConnectHandle conn, string path);

        [LibraryImport(Libraries.Libvirt, StringMarshalling = StringMarshalling.Utf8)]
        internal static partial SafeStorageVolHandle virStorageVolCreateXML(SafeStoragePoolHandle pool, string xml, uint flags);

        [LibraryImport(Libraries.Libvirt)]
        internal static partial int virStorageVolGetInfoFlags(SafeStorageVolHandle volume, out VirStorageVolInfo info, uint flags);

        [LibraryImport(Libraries.Libvirt)]
        internal static partial nint virStorageVolGetXMLDesc(SafeStorageVolHandle volume, uint flags);

        [LibraryImport(Libraries.Libvirt)]
        internal static partial nint virStorageVolGetPath(SafeStorageVolHandle volume);

        [LibraryImport(Libraries.Libvirt)]
        internal static partial int virStorageVolDelete(SafeStorageVolHandle volume, uint flags);

        [LibraryImport(Libraries.Libvirt)]
        internal static partial int virStorageVolDownload(SafeStorageVolHandle volume, SafeStreamHandle stream, ulong offset, ulong length, uint flags);

        [LibraryImport(Libraries.Libvirt)]
        internal static partial int virStorageVolUpload(SafeStorageVolHandle volume, SafeStreamHandle stream, ulong offset, ulong length, uint flags);

        [LibraryImport(Libraries.Libvirt)]
        internal static partial int virStorageVolFree(nint volume);

        [LibraryImport(Libraries.Libvirt)]
        internal static partial SafeStreamHandle virStreamNew(SafeConnectHandle conn, uint flags);

        [LibraryImport(Libraries.Libvirt)]
        internal static partial int virStreamRecv(SafeStreamHandle stream, byte* data, nuint length);

        [LibraryImport(Libraries.Libvirt)]
        internal static partial int virStreamSend(SafeStreamHandle stream, byte* data, nuint length);

        [LibraryImport(Libraries.Libvirt)]
        internal static partial int virStreamFinish(SafeStreamHandle stream);

        [LibraryImport(Libraries.Libvirt)]
        internal static partial int virStreamAbort(SafeStreamHandle stream);

        [LibraryImport(Libraries.Libvirt)]
        internal static partial int virStreamFree(nint stream);
    }
}
