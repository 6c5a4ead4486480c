using System.Globalization;
using System.Text;

namespace Snapshot.TestGuest;

/// <summary>The guest's directory and the owner file (pid and kernel start time) by which a sweep tells a live run's guest from a crashed one's.</summary>
public sealed partial class TestGuest
{
    private const string OwnerFileName = "owner-pid-starttime";

    /// <summary>QEMU runs as libvirt-qemu: it must traverse and read what root creates here.</summary>
    private const UnixFileMode Traversable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    private static string CreateGuestDirectory(string name, string? hostRoot)
    {
        if (hostRoot is not null)
            return CreateRemoteGuestDirectory(name, hostRoot);
        var root = System.IO.Directory.CreateDirectory(RootDirectory);
        if ((File.GetUnixFileMode(root.FullName) & (UnixFileMode.OtherExecute | UnixFileMode.OtherRead)) != (UnixFileMode.OtherExecute | UnixFileMode.OtherRead))
            File.SetUnixFileMode(root.FullName, Traversable);
        var directory = System.IO.Path.Combine(RootDirectory, name);
        System.IO.Directory.CreateDirectory(directory, Traversable);
        File.SetUnixFileMode(directory, Traversable); // the umask may have narrowed it
        // Written whole under a temporary name, then renamed: a sweeper never reads half an owner file.
        var owner = System.IO.Path.Combine(directory, OwnerFileName);
        File.WriteAllText(owner + ".tmp", string.Create(CultureInfo.InvariantCulture, $"{Environment.ProcessId} {ProcessStartJiffies(Environment.ProcessId)}\n"));
        File.Move(owner + ".tmp", owner);
        return directory;
    }

    private static bool OwnerAlive(string directory)
    {
        var ownerFile = System.IO.Path.Combine(directory, OwnerFileName);
        string text;
        try
        {
            text = File.ReadAllText(ownerFile);
        }
        catch (IOException)
        {
            // Being created right now, or a crash before the owner file: spare young directories.
            return DateTime.UtcNow - System.IO.Directory.GetLastWriteTimeUtc(directory) < TimeSpan.FromMinutes(5);
        }
        var parts = text.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length != 2
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            return DateTime.UtcNow - System.IO.Directory.GetLastWriteTimeUtc(directory) < TimeSpan.FromMinutes(5);
        // The same pid with the same kernel start time is the same process (pids are reused).
        return ProcessStartJiffies(pid) is { } started && started == parts[1];
    }

    /// <summary>Field 22 of /proc/PID/stat: the process's start time in clock ticks since boot, exact and stable.</summary>
    private static string? ProcessStartJiffies(int pid)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
        // The command name (field 2) may hold spaces and parentheses: count fields after its last ')'.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return fields.Length > 19 ? fields[19] : null;
    }

    private static string SanitizePurpose(string purpose)
    {
        var builder = new StringBuilder();
        foreach (var c in purpose.ToLowerInvariant())
            builder.Append(c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' ? c : '-');
        var text = builder.ToString().Trim('-');
        if (text.Length > 40)
            text = text[..40];
        return text.Length == 0 ? "guest" : text;
    }
}
