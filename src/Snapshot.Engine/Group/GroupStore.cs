using System.Globalization;
using System.Text;
using System.Text.Json;
using Snapshot.Interop;

namespace Snapshot.Engine;

/// <summary>
/// The group records of one connection: one JSON file per connection and group in the host's persistent state
/// directory (<c>/var/lib/virt-snap/groups</c> for root, 0700), so that every later virt-snap on the host finds
/// them. A file is written whole beside its final name and renamed into place, so a reader sees the old record or
/// the new one, never half of one; a new group is linked in without replacing one of the same name.
/// </summary>
internal sealed class GroupStore(string connection, string? directory = null)
{
    private const int FormatVersion = 1;

    public string Directory { get; } = directory ?? Path.Combine(StateDirectory.Persistent, "groups");

    public string Connection => connection;

    /// <summary>The group's record, or null when there is none.</summary>
    public SnapshotGroupInfo? Find(string name)
    {
        var path = PathOf(name);
        return File.Exists(path) ? Read(path) : null;
    }

    /// <exception cref="SnapshotException"><see cref="SnapshotErrorKind.NotFound"/>: no group of that name on this connection.</exception>
    public SnapshotGroupInfo Get(string name) =>
        Find(name) ?? throw new SnapshotException(SnapshotErrorKind.NotFound, $"no group snapshot named '{name}' on {connection}");

    /// <summary>Every group of this connection, by name.</summary>
    public IReadOnlyList<SnapshotGroupInfo> List()
    {
        if (!System.IO.Directory.Exists(Directory))
            return [];
        return [.. System.IO.Directory.EnumerateFiles(Directory, Escape(connection) + "@*.json").Select(Read).OrderBy(g => g.Name, StringComparer.Ordinal)];
    }

    /// <summary>Records a new group; refuses (AlreadyExists) when one of that name exists, never replacing it.</summary>
    public void Add(SnapshotGroupInfo group) => Write(group, replace: false);

    /// <summary>Replaces the group's record (a delete that removed some members only).</summary>
    public void Replace(SnapshotGroupInfo group) => Write(group, replace: true);

    public void Remove(string name) => File.Delete(PathOf(name));

    /// <summary>Refuses a name that has a record already: told before any member is touched.</summary>
    public void CheckAbsent(string name)
    {
        if (File.Exists(PathOf(name)))
            throw new SnapshotException(SnapshotErrorKind.AlreadyExists, $"a group snapshot named '{name}' exists on {connection} (virt-snap snapshot-group-info {name})");
    }

    private string PathOf(string name) => Path.Combine(Directory, $"{Escape(connection)}@{Escape(name)}.json");

    // Every byte that is not a letter, digit, '-' or '_' as %XX: names map one to one onto file names, '.' and '/' included.
    internal static string Escape(string text)
    {
        var builder = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            if (char.IsAsciiLetterOrDigit((char)b) || b is (byte)'-' or (byte)'_')
                builder.Append((char)b);
            else
                builder.Append(CultureInfo.InvariantCulture, $"%{b:X2}");
        }
        return builder.ToString();
    }

    private void Write(SnapshotGroupInfo group, bool replace)
    {
        if (!OperatingSystem.IsLinux())
            throw new PlatformNotSupportedException("group records need Linux");
        StateDirectory.EnsurePrivate(Directory);
        var path = PathOf(group.Name);
        var temporary = Path.Combine(Directory, $".{Path.GetFileName(path)}.{Environment.ProcessId}.tmp");
        try
        {
            using (var file = new FileStream(temporary, new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            }))
            {
                file.Write(Serialize(group));
                file.Flush(flushToDisk: true);
            }
            File.Move(temporary, path, overwrite: replace);
            NativeFile.SyncDirectory(Directory);
        }
        catch (IOException) when (!replace && File.Exists(path))
        {
            throw new SnapshotException(SnapshotErrorKind.AlreadyExists, $"a group snapshot named '{group.Name}' exists on {connection}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SnapshotException(SnapshotErrorKind.Failed, $"cannot write the record of group '{group.Name}' in {Directory}: {e.Message}", e);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    private static byte[] Serialize(SnapshotGroupInfo group)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteNumber("version", FormatVersion);
            w.WriteString("name", group.Name);
            w.WriteString("connection", group.Connection);
            w.WriteString("description", group.Description);
            w.WriteString("creationTime", group.CreationTime);
            w.WriteStartArray("members");
            foreach (var m in group.Members)
            {
                w.WriteStartObject();
                w.WriteString("domain", m.Domain);
                w.WriteString("uuid", m.Uuid);
                w.WriteString("memoryFile", m.MemoryFile);
                w.WriteString("pausedAt", m.PausedAt);
                w.WriteNumber("pauseTicks", m.Pause.Ticks);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return buffer.ToArray();
    }

    private SnapshotGroupInfo Read(string path)
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            var root = document.RootElement;
            if (root.GetProperty("version").GetInt32() != FormatVersion)
                throw new SnapshotException(SnapshotErrorKind.NotSupported, $"the group record {path} has format version {root.GetProperty("version").GetInt32()}, which this virt-snap does not read");
            var members = root.GetProperty("members").EnumerateArray().Select(m => new SnapshotGroupMember(
                m.GetProperty("domain").GetString()!,
                m.GetProperty("uuid").GetGuid(),
                m.GetProperty("memoryFile").GetString()!,
                m.GetProperty("pausedAt").GetDateTimeOffset(),
                TimeSpan.FromTicks(m.GetProperty("pauseTicks").GetInt64()))).ToList();
            return new SnapshotGroupInfo(root.GetProperty("name").GetString()!, root.GetProperty("connection").GetString()!,
                root.GetProperty("description").GetString(), root.GetProperty("creationTime").GetDateTimeOffset(), new EquatableList<SnapshotGroupMember>(members));
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or IOException)
        {
            throw new SnapshotException(SnapshotErrorKind.Failed, $"the group record {path} cannot be read: {e.Message}", e);
        }
    }
}
