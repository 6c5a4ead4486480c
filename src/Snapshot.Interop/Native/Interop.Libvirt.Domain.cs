using System.Runtime.InteropServices;

namespace Snapshot.Interop;

internal static unsafe partial class Interop
{
    internal static partial class Libvirt
    {
        [LibraryImport(Libraries.Libvirt, StringMarshalling = StringMarshalling.Utf8)]
        internal static partial SafeDomainHandle virDomainLookupByName(SafeConnectHandle conn, string name);

        [LibraryImport(Libraries.Libvirt)]
        internal static partial SafeDomainHandle virDomainLookupByUUID(SafeConnectHandle conn, byte* uuid);

        [LibraryImport(Libraries.Libvirt, StringMarshalling = StringMarshalling.Utf8)]
        internal static partial SafeDomainHandle virDomainLookupByUUIDString(SafeConnectHandle conn, string uuidstr);

        [LibraryImport(Libraries.Libvirt)]
        internal static partial SafeDomainHandle virDomainLookupByID(SafeConnectHandle conn, int id);

        [LibraryImport(Libraries.Libvirt, StringMarshalling = StringMarshalling.Utf8)]
        internal static partial SafeDomainHandle virDomainDefineXMLFlags(SafeConnectHandle conn, string xml, uint flags);

        [LibraryImport(Libraries.Libvirt, StringMarshalling = StringMarshalling.Utf8)]
        internal static partial int virDomainRestoreFlags(SafeConnectHandle conn, string from, string? dxml, uint flags);

        [LibraryImport(Libraries.Libvirt, StringMarshalling = StringMarshalling.Utf8)]
        internal static partial nint virDomainSaveImageGetXMLDesc(SafeConnectHandle conn, string file, uint flags);

        [LibraryImport(Libraries.Libvirt)]
        internal static partial int virDomainFree(nint domain);

        [LibraryImport(Libraries.Libvirt)]
        internal static partial int virDomainRef(nint domain);

        [LibraryImport(Libraries.Libvirt)]
        internal static partial byte* virDomainGetName(SafeDomainHandle domain);

        [LibraryImport(Libraries.Libvirt)]
        internal static partial byte* virDomainGetName(nint domain);

        [LibraryImport(Libraries.Libvirt)]
        internal static partial int virDomainGetUUID(SafeDomainHandle domain, byte* uuid);

        [LibraryImport(Libraries.Libvirt)]
        internal static partial int virDomainGetUUID(nint domain, byte* uuid);

        [LibraryImport(Libraries.Libvirt)]
        internal static partial uint virDomainGetID(SafeDomainHandle domain);

        [LibraryImport(Libraries.Libvirt)]
        internal static partial int virDomainGetState(SafeDomainHandle domain, out int state, out int reason, uint flags);

        [LibraryImport(Libraries.Libvirt)]
        internal static partial int virDomainIsActive(SafeDomainHandle domain);

        [LibraryImport(Libraries.Libvirt)]
        internal static partial int virDomainIsPersistent(SafeDomainHandle domain);

        [LibraryImport(Libraries.Libvirt)]
        internal static partial nint virDomainGetXMLDesc(SafeDomainHandle domain, uint flags);

        [LibraryImport(Libraries.Libvirt)]
        internal static partial int virDomainCreateWithFlags(SafeDomainHandle domain, uint flags);

        [LibraryImport(Libraries.Libvirt)]
        internal static partial int virDomainDestroyFlags(SafeDomainHandle domain, uint flags);

        [LibraryImport(Libraries.Libvirt)]
        internal static partial int virDomainSuspend(SafeDomainHandle domain);

        [LibraryImport(Libraries.Libvirt)]
        internal static partial int virDomainResume(SafeDomainHandle domain);

        [LibraryImport(Libraries.Libvirt)]
        internal static partial int virDomainUndefineFlags(SafeDomainHandle domain, uint flags);

        [LibraryImport(Libraries.Libvirt, StringMarshalling = StringMarshalling.Utf8)]
        internal static partial int virDomainSaveFlags(SafeDomainHandle domain, string to, string? dxml, uint flags);

        [LibraryImport(Libraries.Libvirt)]
        internal static partial int virDomainGetJobInfo(SafeDomainHandle domain, out VirDomainJobInfo info);

        [LibraryImport(Libraries.Libvirt)]
        internal static partial int virDomainGetJobStats(SafeDomainHandle domain, out int type, out VirTypedParameter* @params, out int nparams, uint flags);

        [LibraryImport(Libraries.Libvirt)]
        internal static partial int virDomainAbortJob(SafeDomainHandle domain);
    }
}
