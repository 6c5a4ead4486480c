using System.Runtime.InteropServices;

namespace Snapshot.Interop;

internal static unsafe partial class Interop
{
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
