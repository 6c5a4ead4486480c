using System.Text.Json;
using Snapshot.Interop;

namespace Snapshot.Engine;

/// <summary>
/// Where journals live: one file per domain, <c>&lt;directory&gt;/&lt;lock key&gt;.json</c> (the key of
/// <see cref="DomainLock"/>), 0600 in a 0700 directory (root: <c>/var/lib/virt-snap/journal</c>, which outlives a
/// reboot as /run does not). Each write is atomic: a temporary file written and fsynced, renamed over the journal,
/// the directory fsynced; a reader sees the old record or the new one, never half of one.
/// </summary>
internal sealed class JournalStore(string directory)
{
    /// <summary>Root's journal directory; another user's is under XDG_STATE_HOME (or ~/.local/state).</summary>
    public static JournalStore Default { get; } = new(DefaultDirectory());

    public string Directory { get; } = directory;

    public string PathOf(string key) => Path.Combine(Directory, key + ".json");

    /// <summary>
    /// Writes <paramref name="record"/> as the journal of <paramref name="key"/>, atomically (temp + rename) and, when
    /// <paramref name="durable"/>, durably (the file fsynced before the rename, the directory after it).
    /// </summary>
    public void Write(string key, JournalRecord record, bool durable = true)
    {
        if (!OperatingSystem.IsLinux())
            throw new PlatformNotSupportedException("the journal needs Linux");
        StateDirectory.WriteAtomically(PathOf(key), JsonSerializer.SerializeToUtf8Bytes(record, JournalJsonContext.Default.JournalRecord), durable);
    }

    /// <summary>The journal of <paramref name="key"/>, or null when there is none.</summary>
    /// <exception cref="SnapshotException">The file is there but unreadable: kept for a human to look at.</exception>
    public JournalRecord? Read(string key)
    {
        var path = PathOf(key);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        try
        {
            return JsonSerializer.Deserialize(bytes, JournalJsonContext.Default.JournalRecord)
                ?? throw new JsonException("the file holds null");
        }
        catch (JsonException e)
        {
            throw new SnapshotException(SnapshotErrorKind.Failed, $"the journal '{path}' cannot be read ({e.Message}); it is kept: look at it and remove it by hand", e);
        }
    }

    /// <summary>Removes the journal of <paramref name="key"/> (the operation ended or was recovered), durably.</summary>
    public void Delete(string key)
    {
        var path = PathOf(key);
        if (!File.Exists(path))
            return;
        File.Delete(path);
        NativeFile.SyncDirectory(Directory);
    }

    private static string DefaultDirectory() => Path.Combine(StateDirectory.Persistent, "journal");
}
