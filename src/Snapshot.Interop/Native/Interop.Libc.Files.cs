using System.Runtime.InteropServices;

namespace Snapshot.Interop;

internal static partial class Interop
{
    internal static partial class Libc
    {
        internal const int ORdWr = 0x2;
        internal const int OCreat = 0x40;
        internal const int ONoFollow = 0x20000;
        internal const int ODirectory = 0x10000;
        internal const int LockExclusive = 2;
        internal const int LockNonBlocking = 4;
        internal const int EWouldBlock = 11;

        // open(2) is variadic; its mode travels in the third integer register as for a fixed argument on x86-64 and aarch64.
        [LibraryImport(Libraries.Libc, EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        internal static partial int Open(string path, int flags, uint mode);

        internal const int AtFdCwd = -100;
        internal const uint StatxUid = 0x8;
        internal const uint StatxGid = 0x10;

        // struct statx is the same on every architecture (include/uapi/linux/stat.h): 256 bytes, stx_mask at 0, stx_uid at 20, stx_gid at 24.
        internal const int StatxSize = 256;
        internal const int StatxUidOffset = 20;
        internal const int StatxGidOffset = 24;

        [LibraryImport(Libraries.Libc, EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        internal static unsafe partial int Statx(int dirfd, string path, int flags, uint mask, byte* buffer);

        [LibraryImport(Libraries.Libc, EntryPoint = "lchown", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        internal static partial int LChown(string path, uint owner, uint group);

        [LibraryImport(Libraries.Libc, EntryPoint = "fsync", SetLastError = true)]
        internal static partial int FSync(Microsoft.Win32.SafeHandles.SafeFileHandle fd);

        [LibraryImport(Libraries.Libc, EntryPoint = "flock", SetLastError = true)]
        internal static partial int Flock(Microsoft.Win32.SafeHandles.SafeFileHandle fd, int operation);
    }
}
