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

        [LibraryImport(Libraries.Libc, EntryPoint = "fsync", SetLastError = true)]
        internal static partial int FSync(Microsoft.Win32.SafeHandles.SafeFileHandle fd);

        [LibraryImport(Libraries.Libc, EntryPoint = "flock", SetLastError = true)]
        internal static partial int Flock(Microsoft.Win32.SafeHandles.SafeFileHandle fd, int operation);
    }
}
