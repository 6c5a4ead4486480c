using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Snapshot.Interop;

/// <summary>
/// An advisory lock on a file (flock(2), exclusive), which the kernel releases when its holder's process dies.
/// .NET's own FileShare locking cannot serve: it is switched off by an environment variable and it also locks
/// the readers that want to see who holds the file.
/// </summary>
public static class FileLock
{
    /// <summary>
    /// Opens (creating it 0600 if absent, never through a symbolic link) the lock file at <paramref name="path"/>
    /// and tries to lock it exclusively without waiting. Returns the open, locked file, or null with the file
    /// still open for reading in <paramref name="busy"/> when another open file holds the lock.
    /// Closing the returned handle releases the lock.
    /// </summary>
    /// <param name="path">The lock file.</param>
    /// <param name="busy">When the lock is held elsewhere: the file, open, for reading what its holder wrote; else null.</param>
    /// <exception cref="IOException">open or flock failed (a symbolic link at <paramref name="path"/> is ELOOP).</exception>
    public static SafeFileHandle? TryAcquire(string path, out SafeFileHandle? busy)
    {
        busy = null;
        var fd = Interop.Libc.Open(path, Interop.Libc.ORdWr | Interop.Libc.OCreat | Interop.Libc.ONoFollow | Interop.Libc.OCloExec, 0x180);
        if (fd < 0)
            throw NativeFile.Error($"open '{path}'");
        var file = new SafeFileHandle(fd, ownsHandle: true);
        if (Interop.Libc.Flock(file, Interop.Libc.LockExclusive | Interop.Libc.LockNonBlocking) == 0)
            return file;
        var errno = Marshal.GetLastPInvokeError();
        if (errno == Interop.Libc.EWouldBlock)
        {
            busy = file;
            return null;
        }
        file.Dispose();
        throw NativeFile.Error($"flock '{path}'", errno);
    }
}
