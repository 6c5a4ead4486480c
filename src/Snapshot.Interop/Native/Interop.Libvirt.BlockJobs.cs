using System.Runtime.InteropServices;

namespace Snapshot.Interop;

internal static unsafe partial class Interop
{
    internal static partial class Libvirt
    {
        [LibraryImport(Libraries.Libvirt, StringMarshalling = StringMarshalling.Utf8)]
        internal static partial int virDomainBlockCommit(SafeDomainHandle domain, string disk, string? @base, string? top, nuint bandwidth, uint flags);

        [LibraryImport(Libraries.Libvirt, StringMarshalling = StringMarshalling.Utf8)]
        internal static partial int virDomainBlockRebase(SafeDomainHandle domain, string disk, string? @base, nuint bandwidth, uint flags);

        [LibraryImport(Libraries.Libvirt, StringMarshalling = StringMarshalling.Utf8)]
        internal static partial int virDomainGetBlockJobInfo(SafeDomainHandle domain, string disk, out VirDomainBlockJobInfo info, uint flags);

        [LibraryImport(Libraries.Libvirt, StringMarshalling = StringMarshalling.Utf8)]
        internal static partial int virDomainBlockJobAbort(SafeDomainHandle domain, string disk, uint flags);
    }

    /// <summary>Layout of <c>struct _virDomainBlockJobInfo</c> (<c>unsigned long</c> is 64-bit on LP64).</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct VirDomainBlockJobInfo
    {
        public int Type;
        public nuint Bandwidth;
        public ulong Cur;
        public ulong End;
    }
}
