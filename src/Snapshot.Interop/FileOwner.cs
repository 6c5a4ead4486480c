namespace Snapshot.Interop;

/// <summary>
/// A file's owner and group, which .NET neither reads nor sets: statx(2) and lchown(2) in this process, where a
/// <c>chown</c> process start costs milliseconds on the way to an instant snapshot's point. Failures throw
/// <see cref="IOException"/> with the errno in <see cref="Exception.HResult"/>.
/// </summary>
public static unsafe class FileOwner
{
    /// <summary>The owner and group of <paramref name="path"/>, its symbolic links followed (as <c>chown --reference</c> reads them).</summary>
    /// <param name="path">An existing file.</param>
    /// <exception cref="IOException">statx failed (no such file, no permission).</exception>
    public static (uint User, uint Group) Of(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var buffer = stackalloc byte[Interop.Libc.StatxSize];
        if (Interop.Libc.Statx(Interop.Libc.AtFdCwd, path, 0, Interop.Libc.StatxUid | Interop.Libc.StatxGid, buffer) != 0)
            throw NativeFile.Error($"statx of {path}");
        var mask = *(uint*)buffer;
        if ((mask & (Interop.Libc.StatxUid | Interop.Libc.StatxGid)) != (Interop.Libc.StatxUid | Interop.Libc.StatxGid))
            throw new IOException($"statx of {path} returned no owner");
        return (*(uint*)(buffer + Interop.Libc.StatxUidOffset), *(uint*)(buffer + Interop.Libc.StatxGidOffset));
    }

    /// <summary>Gives <paramref name="path"/> an owner and group; a symbolic link itself, never its target (lchown).</summary>
    /// <param name="path">An existing file.</param>
    /// <param name="user">The new owner's uid.</param>
    /// <param name="group">The new group's gid.</param>
    /// <exception cref="IOException">lchown failed (for example, EPERM when not root).</exception>
    public static void Set(string path, uint user, uint group)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (Interop.Libc.LChown(path, user, group) != 0)
            throw NativeFile.Error($"lchown of {path}");
    }
}
