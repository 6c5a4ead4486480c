using System.Globalization;

namespace Snapshot.TestGuest;

/// <summary>A remote target's guest: its paths are the hypervisor's; the test reaches them through <see cref="TestGuestOptions.HostRoot"/>.</summary>
public sealed partial class TestGuest
{
    /// <summary>Where the test (not the code under test) finds <paramref name="hypervisorPath"/> on this machine.</summary>
    public string LocalPath(string hypervisorPath) => LocalPath(Options.HostRoot, hypervisorPath);

    private static string LocalPath(string? hostRoot, string hypervisorPath) =>
        hostRoot is null ? hypervisorPath : hostRoot.TrimEnd('/') + hypervisorPath;

    private static string CreateRemoteGuestDirectory(string name, string hostRoot)
    {
        var directory = RemoteTarget.ImagesDirectory + "/" + name;
        var local = LocalPath(hostRoot, directory);
        System.IO.Directory.CreateDirectory(local, Traversable);
        File.SetUnixFileMode(local, Traversable);
        File.WriteAllText(System.IO.Path.Combine(local, OwnerFileName), string.Create(CultureInfo.InvariantCulture, $"{Environment.ProcessId} {ProcessStartJiffies(Environment.ProcessId)}\n"));
        return directory;
    }
}
