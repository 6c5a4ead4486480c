using System.Runtime.InteropServices;

namespace Snapshot.Interop;

internal static unsafe partial class Interop
{
    internal static partial class Libc
    {
        internal const int MadvCollapse = 25;

        [StructLayout(LayoutKind.Sequential)]
        internal struct IoVec
        {
            public nint Base;
            public nuint Length;
        }

        [LibraryImport(Libraries.Libc, EntryPoint = "pidfd_open", SetLastError = true)]
        internal static partial int PidfdOpen(int pid, uint flags);

        [LibraryImport(Libraries.Libc, EntryPoint = "process_madvise", SetLastError = true)]
        internal static partial nint ProcessMadvise(Microsoft.Win32.SafeHandles.SafeFileHandle pidfd, IoVec* iovec, nuint count, int advice, uint flags);
    }
}
