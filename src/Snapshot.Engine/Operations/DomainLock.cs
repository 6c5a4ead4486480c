using System.Globalization;
using System.Text;
using Microsoft.Win32.SafeHandles;
using Snapshot.Interop;

namespace Snapshot.Engine;

/// <summary>
/// One changing operation per domain at a time, across processes: an exclusive advisory lock (flock) on
/// <c>&lt;state&gt;/locks/&lt;key&gt;.lock</c>, which the kernel releases when the holder's process dies, so no stale
/// lock outlives a kill. The holder writes its operation, pid and start time into the file for the refusal
/// message. The key is the domain's UUID; a remote connection's also names the URI's host (a lock is seen
/// only by processes on this machine); the test driver's, this process and its node file (its domains live in the process, one copy per test:///path connection).
/// Lock files are never removed: unlinking a locked file would let a second holder lock a new one.
/// </summary>
internal sealed class DomainLock : IDisposable
{
    // A child this process forks holds a copy of every open lock file until it execs (O_CLOEXEC acts only then), so
    // an operation of this process that ended a moment ago can still look held: waited out, this long at most.
    private static readonly TimeSpan s_forkWindow = TimeSpan.FromSeconds(2);
    private static readonly HashSet<string> s_heldHere = new(StringComparer.Ordinal);

    private readonly SafeFileHandle _file;
    private readonly string _path;

    private DomainLock(SafeFileHandle file, string path)
    {
        _file = file;
        _path = path;
        lock (s_heldHere)
            s_heldHere.Add(path);
    }

    /// <summary>Root's state directory; another user's is under XDG_RUNTIME_DIR (or the temporary directory).</summary>
    public static string Directory { get; } = Path.Combine(StateRoot(), "locks");

    /// <summary>Takes the lock of <paramref name="domain"/> for <paramref name="operation"/>, or refuses at once.</summary>
    /// <exception cref="SnapshotException"><see cref="SnapshotErrorKind.Busy"/>: another operation holds it (named in the message).</exception>
    public static async Task<DomainLock> AcquireAsync(LibvirtConnection connection, LibvirtDomain domain, string operation, CancellationToken cancellationToken)
    {
        var path = Path.Combine(StateDirectory.EnsurePrivate(Directory), KeyOf(connection.Uri, domain.Uuid) + ".lock");
        SafeFileHandle? busy;
        SafeFileHandle? file;
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            try
            {
                file = FileLock.TryAcquire(path, out busy);
            }
            catch (IOException e)
            {
                throw new SnapshotException(SnapshotErrorKind.Failed, $"cannot take the operation lock of domain '{domain.Name}': {e.Message}", e);
            }
            if (file is not null || waited.Elapsed > s_forkWindow || !await LeftByThisProcessAsync(path, busy!, cancellationToken).ConfigureAwait(false))
                break;
            busy!.Dispose();
            await Task.Delay(10, cancellationToken).ConfigureAwait(false);
        }
        if (file is null)
        {
            using (busy)
                throw new SnapshotException(SnapshotErrorKind.Busy,
                    $"domain '{domain.Name}' is busy: {await HolderAsync(busy!, cancellationToken).ConfigureAwait(false)}; try again when it ends");
        }
        var since = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);
        var record = Encoding.UTF8.GetBytes($"{operation} {Environment.ProcessId} {since}\n");
        NativeFile.Truncate(file, 0);
        RandomAccess.Write(file, record, 0);
        return new DomainLock(file, path);
    }

    // The record names this process and no operation of this process holds the lock: a fork's copy holds it.
    private static async Task<bool> LeftByThisProcessAsync(string path, SafeFileHandle busy, CancellationToken cancellationToken)
    {
        lock (s_heldHere)
        {
            if (s_heldHere.Contains(path))
                return false;
        }
        var holder = await HolderAsync(busy, cancellationToken).ConfigureAwait(false);
        return holder.Contains($"(pid {Environment.ProcessId},", StringComparison.Ordinal);
    }

    /// <summary>The lock file's name without its directory: the domain's UUID, after the host or process it lives in.</summary>
    internal static string KeyOf(string uri, Guid uuid)
    {
        var id = uuid.ToString("D");
        // test:///default is one hypervisor per process; every test:///path connection is a hypervisor of its
        // own (its own copy of the node file's domains, which share their UUIDs): keyed by its node file too.
        if (uri.StartsWith("test:", StringComparison.Ordinal))
            return uri == "test:///default"
                ? $"test-{Environment.ProcessId}-{id}"
                : $"test-{Environment.ProcessId}-{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(uri)))[..16]}-{id}";
        var host = System.Uri.TryCreate(uri, UriKind.Absolute, out var parsed) ? parsed.Host : "";
        if (host.Length == 0)
            return id;
        var safe = new string(host.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' ? c : '_').ToArray());
        return $"{safe}-{id}";
    }

    /// <summary>What the holder wrote: "operation pid since". A holder writes just after locking, so an empty file is read again briefly.</summary>
    private static async Task<string> HolderAsync(SafeFileHandle file, CancellationToken cancellationToken)
    {
        var buffer = new byte[256];
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var read = RandomAccess.Read(file, buffer, 0);
            var fields = Encoding.UTF8.GetString(buffer, 0, read).TrimEnd('\n').Split(' ', 3);
            if (fields.Length == 3)
                return $"{fields[0]} runs (pid {fields[1]}, since {fields[2]})";
            await Task.Delay(20, cancellationToken).ConfigureAwait(false);
        }
        return "another operation runs (its holder wrote no record)";
    }

    private static string StateRoot()
    {
        if (Environment.IsPrivilegedProcess)
            return "/run/virt-snap";
        var runtime = Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR");
        return string.IsNullOrEmpty(runtime) ? Path.Combine(Path.GetTempPath(), "virt-snap-" + Environment.UserName) : Path.Combine(runtime, "virt-snap");
    }

    public void Dispose()
    {
        lock (s_heldHere)
            s_heldHere.Remove(_path);
        _file.Dispose();
    }
}
