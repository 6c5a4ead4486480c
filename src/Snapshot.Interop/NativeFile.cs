using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Snapshot.Interop;

/// <summary>File-descriptor operations for descriptors handed to QEMU.</summary>
internal static class NativeFile
{
    private const int SeekSet = 0;

    /// <summary>
    /// Moves the descriptor's own offset. QEMU writes a migration stream through the descriptor's
    /// offset, while .NET writes positionally and never moves it.
    /// </summary>
    public static void Seek(SafeFileHandle file, long offset)
    {
        if (Interop.Libc.LSeek(file, offset, SeekSet) != offset)
            throw new IOException($"lseek to {offset} failed: errno {Marshal.GetLastPInvokeError()}");
    }
}
