using System.Runtime.InteropServices;

namespace Snapshot.Interop;

internal static unsafe partial class Interop
{
    internal static partial class Libvirt
    {
        [LibraryImport(Libraries.Libvirt, StringMarshalling = StringMarshalling.Utf8)]
        internal static partial SafeDomainSnapshotHandle virDomainSnapshotCreateXML(SafeDomainHandle domain, string xmlDesc, uint flags);

        [LibraryImport(Libraries.Libvirt)]
        internal static partial int virDomainListAllSnapshots(SafeDomainHandle domain, out nint* snaps, uint flags);

        [LibraryImport(Libraries.Libvirt)]
        internal static partial int virDomainSnapshotNum(SafeDomainHandle domain, uint flags);

        [LibraryImport(Libraries.Libvirt)]
        internal static partial int virDomainSnapshotListNames(SafeDomainHandle domain, nint* names, int nameslen, uint flags);

        [LibraryImport(Libraries.Libvirt, StringMarshalling = StringMarshalling.Utf8)]
        internal static partial SafeDomainSnapshotHandle virDomainSnapshotLookupByName(SafeDomainHandle domain, string name, uint flags);

        [LibraryImport(Libraries.Libvirt)]
        internal static partial int virDomainHasCurrentSnapshot(SafeDomainHandle domain, uint flags);

        [LibraryImport(Libraries.Libvirt)]
        internal static partial SafeDomainSnapshotHandle virDomainSnapshotCurrent(SafeDomainHandle domain, uint flags);

        [LibraryImport(Libraries.Libvirt)]
        internal static partial int virDomainSnapshotFree(nint snapshot);

        [LibraryImport(Libraries.Libvirt)]
        internal static partial byte* virDomainSnapshotGetName(SafeDomainSnapshotHandle snapshot);

        [LibraryImport(Libraries.Libvirt)]
        internal static partial nint virDomainSnapshotGetXMLDesc(SafeDomainSnapshotHandle snapshot, uint flags);

        [LibraryImport(Libraries.Libvirt)]
        internal static partial SafeDomainSnapshotHandle virDomainSnapshotGetParent(SafeDomainSnapshotHandle snapshot, uint flags);

        [LibraryImport(Libraries.Libvirt)]
        internal static partial int virDomainSnapshotListAllChildren(SafeDomainSnapshotHandle snapshot, out nint* snaps, uint flags);

        [LibraryImport(Libraries.Libvirt)]
        internal static partial int virDomainSnapshotNumChildren(SafeDomainSnapshotHandle snapshot, uint flags);

        [LibraryImport(Libraries.Libvirt)]
        internal static partial int virDomainRevertToSnapshot(SafeDomainSnapshotHandle snapshot, uint flags);

        [LibraryImport(Libraries.Libvirt)]
        internal static partial int virDomainSnapshotDelete(SafeDomainSnapshotHandle snapshot, uint flags);

        [LibraryImport(Libraries.Libvirt)]
        internal static partial int virDomainSnapshotIsCurrent(SafeDomainSnapshotHandle snapshot, uint flags);

        [LibraryImport(Libraries.Libvirt)]
        internal static partial int virDomainSnapshotHasMetadata(SafeDomainSnapshotHandle snapshot, uint flags);
    }
}
