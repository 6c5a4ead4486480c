namespace Snapshot.Engine;

/// <summary>virt-snap's own directories (locks, journals, group records): made 0700, used only when no one else may write in them.</summary>
internal static class StateDirectory
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>Where what outlives a reboot lives: root's <c>/var/lib/virt-snap</c>; another user's under XDG_STATE_HOME (or ~/.local/state).</summary>
    public static string Persistent { get; } = PersistentRoot();

    private static string PersistentRoot()
    {
        if (Environment.IsPrivilegedProcess)
            return "/var/lib/virt-snap";
        var state = Environment.GetEnvironmentVariable("XDG_STATE_HOME");
        var root = string.IsNullOrEmpty(state) ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "state") : state;
        return Path.Combine(root, "virt-snap");
    }

    /// <summary>
    /// Creates <paramref name="directory"/> and its parent 0700 if absent; refuses either when it is a symbolic link
    /// or writable by group or others (what is in them decides what virt-snap deletes).
    /// </summary>
    /// <exception cref="SnapshotException">A directory is a link or writable by others.</exception>
    public static string EnsurePrivate(string directory)
    {
        if (!OperatingSystem.IsLinux())
            throw new PlatformNotSupportedException("virt-snap's state directories need Linux");
        foreach (var dir in new[] { Path.GetDirectoryName(directory)!, directory })
        {
            var info = new DirectoryInfo(dir);
            if (!info.Exists)
                Directory.CreateDirectory(dir, OwnerOnly);
            info.Refresh();
            if (info.LinkTarget is not null || (info.UnixFileMode & (UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) != 0)
                throw new SnapshotException(SnapshotErrorKind.Failed, $"the state directory '{dir}' is a symbolic link or writable by others; virt-snap does not use it");
        }
        return directory;
    }

    /// <summary>
    /// Writes <paramref name="bytes"/> to <paramref name="path"/> in one of virt-snap's directories, atomically (a
    /// temporary file renamed over it: a reader sees the old contents or the new ones) and, when
    /// <paramref name="durable"/>, durably (the file fsynced before the rename, the directory after it); 0600.
    /// </summary>
    public static void WriteAtomically(string path, ReadOnlySpan<byte> bytes, bool durable = true)
    {
        if (!OperatingSystem.IsLinux())
            throw new PlatformNotSupportedException("virt-snap's state files need Linux");
        var directory = EnsurePrivate(Path.GetDirectoryName(path)!);
        var temporary = $"{path}.{Environment.ProcessId}.tmp";
        var options = new FileStreamOptions
        {
            Mode = FileMode.Create,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        };
        using (var stream = new FileStream(temporary, options))
        {
            stream.Write(bytes);
            stream.Flush(flushToDisk: durable);
        }
        File.Move(temporary, path, overwrite: true);
        if (durable)
            Snapshot.Interop.NativeFile.SyncDirectory(directory);
    }
}
