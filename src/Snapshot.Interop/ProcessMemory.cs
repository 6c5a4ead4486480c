using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Snapshot.Interop;

/// <summary>
/// Advice on another process's memory (Linux 6.1 and later): <c>pidfd_open</c> and <c>process_madvise</c> with
/// <c>MADV_COLLAPSE</c>, which puts a range back on transparent huge pages. Needs CAP_SYS_NICE and ptrace
/// access to the process (root has both). Failures throw <see cref="IOException"/> with the errno in
/// <see cref="Exception.HResult"/>.
/// </summary>
public static unsafe class ProcessMemory
{
    /// <summary>A descriptor of the process <paramref name="pid"/> (close-on-exec), which a reused pid cannot redirect.</summary>
    /// <param name="pid">A process id.</param>
    /// <exception cref="IOException">pidfd_open failed (no such process: errno 3; kernel older than 5.3: 38).</exception>
    public static SafeFileHandle Open(int pid)
    {
        var fd = Interop.Libc.PidfdOpen(pid, 0);
        return fd >= 0 ? new SafeFileHandle(fd, ownsHandle: true) : throw NativeFile.Error("pidfd_open");
    }

    /// <summary>
    /// Collapses the range [<paramref name="start"/>, <paramref name="start"/> + <paramref name="length"/>) of the
    /// process into transparent huge pages, synchronously, in the caller's thread. The contents stay as they were.
    /// Returns the errno of a partial result (0 when every huge page of the range was collapsed): EINVAL or EAGAIN
    /// when some of it could not be (for example, pages still under userfaultfd write protection).
    /// </summary>
    /// <param name="process">A descriptor from <see cref="Open"/>.</param>
    /// <param name="start">The range's start address in the process, 2 MiB aligned.</param>
    /// <param name="length">The range's length in bytes.</param>
    /// <exception cref="IOException">process_madvise refused the call itself (ESRCH, EPERM, ENOSYS, EBADF).</exception>
    public static int Collapse(SafeFileHandle process, long start, long length)
    {
        var range = new Interop.Libc.IoVec { Base = (nint)start, Length = (nuint)length };
        if (Interop.Libc.ProcessMadvise(process, &range, 1, Interop.Libc.MadvCollapse, 0) >= 0)
            return 0;
        var errno = Marshal.GetLastPInvokeError();
        return errno is EInval or EAgain or ENoMem ? errno : throw NativeFile.Error("process_madvise(MADV_COLLAPSE)", errno);
    }

    private const int EAgain = 11;
    private const int ENoMem = 12;
    private const int EInval = 22;
}
