namespace Snapshot.TestGuest;

/// <summary>The kernel and initramfs built by native/build-guest.sh.</summary>
internal sealed record GuestFiles(string Kernel, string Initrd)
{
    /// <summary>Overrides the folder holding vmlinuz and initramfs.cpio.gz.</summary>
    public const string DirectoryVariable = "VIRTSNAP_GUEST_DIR";

    public static GuestFiles Locate()
    {
        var directory = Environment.GetEnvironmentVariable(DirectoryVariable);
        if (string.IsNullOrEmpty(directory))
        {
            var root = FindRepositoryRoot()
                ?? throw new InvalidOperationException(
                    $"Could not find the repository root (a folder holding Snapshot.sln) above {AppContext.BaseDirectory}; set {DirectoryVariable} to the built guest's folder.");
            directory = Path.Combine(root, "native", ".cache", "guest");
        }
        var kernel = Path.Combine(directory, "vmlinuz");
        var initrd = Path.Combine(directory, "initramfs.cpio.gz");
        if (!File.Exists(kernel) || !File.Exists(initrd))
            throw new FileNotFoundException($"The test guest is not built: {kernel} or {initrd} is missing. Run native/build-guest.sh (after native/setup-host.sh).", kernel);
        return new GuestFiles(kernel, initrd);
    }

    private static string? FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Snapshot.sln")))
                return dir.FullName;
        }
        return null;
    }
}
