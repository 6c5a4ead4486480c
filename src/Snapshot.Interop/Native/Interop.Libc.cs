using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Snapshot.Interop;

internal static unsafe partial class Interop
{
    internal static partial class Libc
    {
        [LibraryImport(Libraries.Libc, EntryPoint = "lseek", SetLastError = true)]
        internal static partial long LSeek(SafeFileHandle fd, long offset, int whence);
    }
}
