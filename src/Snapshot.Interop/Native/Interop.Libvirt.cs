using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Snapshot.Interop;

/// <summary>Raw imports: one method per native entry point, no error handling (that is <see cref="LibvirtError"/>'s job).</summary>
/// <remarks>
/// Conventions: borrowed <c>const char*</c> returns are <c>byte*</c> (never freed); caller-owned <c>char*</c>
/// returns are <c>nint</c> and go through <see cref="NativeString.TakeOwned"/>, which frees them with libc <c>free</c>.
/// </remarks>
internal static unsafe partial class Interop
{
    internal static partial class Libraries
    {
        internal const string Libvirt = "libvirt.so.0";
        internal const string LibvirtQemu = "libvirt-qemu.so.0";
        internal const string Libc = "libc.so.6";
    }

    internal static partial class Libc
    {
        [LibraryImport(Libraries.Libc, EntryPoint = "free")]
        internal static partial void Free(void* ptr);
    }

    /// <summary>Layout of <c>struct _virError</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct VirError
    {
        public int Code;
        public int Domain;
        public byte* Message;
        public int Level;
        public nint Conn;
        public nint Dom;
        public byte* Str1;
        public byte* Str2;
        public byte* Str3;
        public int Int1;
        public int Int2;
        public nint Net;
    }

    /// <summary>Layout of <c>struct _virDomainJobInfo</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct VirDomainJobInfo
    {
        public int Type;
        public ulong TimeElapsed;
        public ulong TimeRemaining;
        public ulong DataTotal;
        public ulong DataProcessed;
        public ulong DataRemaining;
        public ulong MemTotal;
        public ulong MemProcessed;
        public ulong MemRemaining;
        public ulong FileTotal;
        public ulong FileProcessed;
        public ulong FileRemaining;
    }

    /// <summary>Layout of <c>struct _virTypedParameter</c> (80-byte field name, type, 8-byte union).</summary>
    [StructLayout(LayoutKind.Explicit, Size = 96)]
    internal struct VirTypedParameter
    {
        public const int FieldLength = 80;

        [FieldOffset(0)]
        public FieldBuffer Field;

        [FieldOffset(80)]
        public int Type;

        [FieldOffset(88)]
        public int I;

        [FieldOffset(88)]
        public uint UI;

        [FieldOffset(88)]
        public long L;

        [FieldOffset(88)]
        public ulong UL;

        [FieldOffset(88)]
        public double D;

        [FieldOffset(88)]
        public byte B;

        [FieldOffset(88)]
        public byte* S;
    }

    [InlineArray(VirTypedParameter.FieldLength)]
    internal struct FieldBuffer
    {
        private byte _element0;
    }

    internal static partial class Libvirt
    {
        static Libvirt()
        {
            // Before anything else: libvirt's default error handler prints every error to stderr.
            try
            {
                virSetErrorFunc(null, &IgnoreError);
            }
            catch (DllNotFoundException)
            {
                // libvirt is absent; every import will report that itself.
            }
        }

        [UnmanagedCallersOnly]
        private static void IgnoreError(void* userData, VirError* error)
        {
        }

        // ---- library, errors, events ----
        [LibraryImport(Libraries.Libvirt)]
        internal static partial int virInitialize();

        [LibraryImport(Libraries.Libvirt, StringMarshalling = StringMarshalling.Utf8)]
        internal static partial int virGetVersion(out CULong libVer, string? type, out CULong typeVer);

        [LibraryImport(Libraries.Libvirt)]
        internal static partial VirError* virGetLastError();

        [LibraryImport(Libraries.Libvirt)]
        internal static partial void virResetLastError();

        [LibraryImport(Libraries.Libvirt)]
        internal static partial void virSetErrorFunc(void* userData, delegate* unmanaged<void*, VirError*, void> handler);

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

        [LibraryImport(Libraries.Libvirt)]
        internal static partial void virTypedParamsFree(VirTypedParameter* @params, int nparams);

        // ---- connection ----
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

        // ---- domain ----
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

        // ---- snapshots ----
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

    internal static partial class LibvirtQemu
    {
        [LibraryImport(Libraries.LibvirtQemu, StringMarshalling = StringMarshalling.Utf8)]
        internal static partial int virDomainQemuMonitorCommand(SafeDomainHandle domain, string cmd, out nint result, uint flags);

        [LibraryImport(Libraries.LibvirtQemu, StringMarshalling = StringMarshalling.Utf8)]
        internal static partial int virDomainQemuMonitorCommandWithFiles(
            SafeDomainHandle domain,
            string cmd,
            uint ninfiles,
            int* infiles,
            out uint noutfiles,
            out int* outfiles,
            out nint result,
            uint flags);
    }
}
