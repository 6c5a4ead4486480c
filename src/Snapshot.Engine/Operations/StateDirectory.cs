namespace Snapshot.Engine;

/// <summary>
/// virt-snap's own directories on the host: the runtime one (the operation locks, gone at reboot) and the
/// persistent one (the group records, which every later virt-snap must find). Root's are system-wide; another
/// user's are under XDG_RUNTIME_DIR and XDG_STATE_HOME (or their fallbacks).
/// </summary>
internal static class StateDirectory
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>Where the operation locks live: /run/virt-snap for root.</summary>
    public static string Runtime { get; } = RuntimeRoot();

    /// <summary>Where records that outlive a reboot live: /var/lib/virt-snap for root.</summary>
    public static string Persistent { get; } = PersistentRoot();

    /// <summary>
    /// Makes each directory (0700) in turn, outermost first; an existing one is used only when it is no symbolic
    /// link and no one else may write in it, since what is kept there decides what virt-snap does next.
    /// </summary>
    public static string Ensure(params string[] directories)
    {
        if (!OperatingSystem.IsLinux())
            throw new PlatformNotSupportedException("virt-snap's state directories need Linux");
        foreach (var dir in directories)
        {
            var info = new DirectoryInfo(dir);
            if (!info.Exists)
                Directory.CreateDirectory(dir, OwnerOnly);
            info.Refresh();
            if (info.LinkTarget is not null || (info.UnixFileMode & (UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) != 0)
                throw new SnapshotException(SnapshotErrorKind.Failed, $"the state directory '{dir}' is a symbolic link or writable by others; virt-snap does not use it");
        }
        return directories[^1];
    }

    private static string RuntimeRoot()
    {
        if (Environment.IsPrivilegedProcess)
            return "/run/virt-snap";
        var runtime = Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR");
        return string.IsNullOrEmpty(runtime) ? Path.Combine(Path.GetTempPath(), "virt-snap-" + Environment.UserName) : Path.Combine(runtime, "virt-snap");
    }

    private static string PersistentRoot()
    {
        if (Environment.IsPrivilegedProcess)
            return "/var/lib/virt-snap";
        var state = Environment.GetEnvironmentVariable("XDG_STATE_HOME");
        return string.IsNullOrEmpty(state)
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "state", "virt-snap")
            : Path.Combine(state, "virt-snap");
    }
}
