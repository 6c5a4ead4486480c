using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Snapshot.Interop;

/// <summary>
/// Linux file-descriptor calls that .NET does not offer, for a descriptor handed to QEMU
/// (<see cref="LibvirtDomain.QemuMonitorCommandWithFiles"/>) and for copying a stream into a file with O_DIRECT:
/// lseek, pipe2, the pipe's buffer size, O_DIRECT on and off, ftruncate, a directory's fsync, a descriptor a child inherits. Failures throw <see cref="IOException"/>
/// with the errno in <see cref="Exception.HResult"/>.
/// </summary>
public static unsafe class NativeFile
{
    private const int SeekSet = 0;

    /// <summary>The alignment O_DIRECT asks of offsets, lengths and buffers (the largest logical block size in use).</summary>
    public const int DirectAlignment = 4096;

    /// <summary>
    /// Moves the descriptor's own offset. QEMU writes a migration stream through the descriptor's
    /// offset, while .NET writes positionally and never moves it.
    /// </summary>
    /// <param name="file">An open file descriptor.</param>
    /// <param name="offset">The new offset, from the file's start.</param>
    /// <exception cref="IOException">lseek failed.</exception>
    public static void Seek(SafeFileHandle file, long offset)
    {
        if (Interop.Libc.LSeek(file, offset, SeekSet) != offset)
            throw new IOException($"lseek to {offset} failed: errno {Marshal.GetLastPInvokeError()}");
    }

    /// <summary>A pipe, both ends close-on-exec: (read end, write end).</summary>
    /// <exception cref="IOException">pipe2 failed (for example, too many open files).</exception>
    public static (SafeFileHandle Read, SafeFileHandle Write) CreatePipe()
    {
        int* fds = stackalloc int[2];
        if (Interop.Libc.Pipe2(fds, Interop.Libc.OCloExec) != 0)
            throw Error("pipe2");
        return (new SafeFileHandle(fds[0], ownsHandle: true), new SafeFileHandle(fds[1], ownsHandle: true));
    }

    /// <summary>
    /// Asks for a pipe buffer of <paramref name="bytes"/> (F_SETPIPE_SZ), halving the request while the kernel
    /// refuses it (above fs.pipe-max-size without CAP_SYS_RESOURCE); returns the size the pipe got.
    /// </summary>
    /// <param name="pipe">Either end of a pipe.</param>
    /// <param name="bytes">The buffer size wanted; the kernel rounds it up to a power of two pages.</param>
    /// <exception cref="IOException">The descriptor is not a pipe.</exception>
    public static int SetPipeSize(SafeFileHandle pipe, int bytes)
    {
        for (var size = bytes; size >= 64 * 1024; size /= 2)
        {
            var got = Interop.Libc.Fcntl(pipe, Interop.Libc.FSetPipeSz, size);
            if (got > 0)
                return got;
        }
        var current = Interop.Libc.Fcntl(pipe, Interop.Libc.FGetPipeSz, 0);
        return current > 0 ? current : throw Error("fcntl(F_GETPIPE_SZ)");
    }

    /// <summary>
    /// Turns O_DIRECT on or off for an open file (F_SETFL). Returns false when the file system refuses it
    /// (EINVAL), in which case the descriptor is unchanged.
    /// </summary>
    /// <param name="file">An open regular file.</param>
    /// <param name="direct">true to bypass the page cache (O_DIRECT), false for buffered I/O.</param>
    /// <exception cref="IOException">fcntl failed for another reason than EINVAL.</exception>
    public static bool SetDirect(SafeFileHandle file, bool direct)
    {
        var flags = Interop.Libc.Fcntl(file, Interop.Libc.FGetFl, 0);
        if (flags < 0)
            throw Error("fcntl(F_GETFL)");
        var wanted = direct ? flags | DirectFlag : flags & ~DirectFlag;
        if (wanted == flags)
            return true;
        if (Interop.Libc.Fcntl(file, Interop.Libc.FSetFl, wanted) == 0)
            return true;
        var errno = Marshal.GetLastPInvokeError();
        return errno == EInval ? false : throw Error("fcntl(F_SETFL)", errno);
    }

    /// <summary>Cuts or extends the file to exactly <paramref name="length"/> bytes.</summary>
    /// <param name="file">A file open for writing.</param>
    /// <param name="length">The file's new length in bytes.</param>
    /// <exception cref="IOException">ftruncate failed.</exception>
    public static void Truncate(SafeFileHandle file, long length)
    {
        if (Interop.Libc.FTruncate(file, length) != 0)
            throw Error("ftruncate");
    }

    /// <summary>
    /// fsyncs the directory <paramref name="path"/>, so that a file just renamed into it survives a crash: .NET
    /// opens no directory. Never through a symbolic link.
    /// </summary>
    /// <param name="path">An existing directory.</param>
    /// <exception cref="IOException">open or fsync failed.</exception>
    public static void SyncDirectory(string path)
    {
        var fd = Interop.Libc.Open(path, Interop.Libc.ODirectory | Interop.Libc.ONoFollow | Interop.Libc.OCloExec, 0);
        if (fd < 0)
            throw Error("open of the directory");
        using var handle = new SafeFileHandle(fd, ownsHandle: true);
        if (Interop.Libc.FSync(handle) != 0)
            throw Error("fsync of the directory");
    }

    /// <summary>
    /// A second descriptor of <paramref name="file"/> that a child process inherits (no close-on-exec, unlike every
    /// descriptor .NET opens): its number is what the child is told.
    /// </summary>
    /// <param name="file">An open descriptor.</param>
    /// <returns>The new descriptor; dispose it once the child is started.</returns>
    /// <exception cref="IOException">fcntl(F_DUPFD) failed.</exception>
    public static SafeFileHandle DuplicateInheritable(SafeFileHandle file)
    {
        var fd = Interop.Libc.Fcntl(file, Interop.Libc.FDupFd, 3);
        if (fd < 0)
            throw Error("fcntl(F_DUPFD)");
        return new SafeFileHandle(fd, ownsHandle: true);
    }

    private const int EInval = 22;

    // O_DIRECT is 0x4000 on x86-64, 0x10000 on arm and aarch64, 0x8000 on powerpc.
    private static int DirectFlag => RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.Arm or Architecture.Arm64 => 0x10000,
        Architecture.Ppc64le => 0x8000,
        _ => Interop.Libc.ODirect,
    };

    internal static IOException Error(string call, int? errno = null)
    {
        var code = errno ?? Marshal.GetLastPInvokeError();
        return new IOException($"{call} failed: {Marshal.GetPInvokeErrorMessage(code)} (errno {code})", code);
    }
}
