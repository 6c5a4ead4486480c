using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Snapshot.Interop;

internal static unsafe partial class Interop
{
    internal static partial class Libc
    {
        internal const int FDupFd = 0;
        internal const int FGetFl = 3;
        internal const int FSetFl = 4;
        internal const int FSetPipeSz = 1031;
        internal const int FGetPipeSz = 1032;
        internal const int ODirect = 0x4000; // x86-64 and aarch64 differ; see NativeFile.DirectFlag
        internal const int OCloExec = 0x80000;

        [LibraryImport(Libraries.Libc, EntryPoint = "lseek", SetLastError = true)]
        internal static partial long LSeek(SafeFileHandle fd, long offset, int whence);

        [LibraryImport(Libraries.Libc, EntryPoint = "pipe2", SetLastError = true)]
        internal static partial int Pipe2(int* fds, int flags);

        [LibraryImport(Libraries.Libc, EntryPoint = "fcntl", SetLastError = true)]
        internal static partial int Fcntl(SafeFileHandle fd, int command, int argument);

        [LibraryImport(Libraries.Libc, EntryPoint = "ftruncate", SetLastError = true)]
        internal static partial int FTruncate(SafeFileHandle fd, long length);
    }
}
