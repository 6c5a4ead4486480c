using System.Globalization;
using System.Xml.Linq;
using Snapshot.Interop;

namespace Snapshot.Engine;

/// <summary>
/// A remote connection's files, on the hypervisor, through libvirt's storage API: each call finds the active pool
/// whose target is the file's directory or starts a transient <c>dir</c> pool there (<see cref="StoragePools"/>,
/// destroyed when the call ends), then works on the file as a volume: lookups for existence and size, ranged
/// downloads for reads, a volume with a <c>&lt;backingStore&gt;</c> for an overlay, uploads for small files.
/// </summary>
internal sealed class RemoteFiles(LibvirtConnection connection) : IHypervisorFiles
{
    private const int DirectoryType = 2;

    public bool IsRemote => true;

    public bool Exists(string path) => WithVolume(path, v => v is not null && v.GetInfo().Type != DirectoryType);

    public bool DirectoryExists(string path) => StoragePools.In(connection, path, pool => pool is not null);

    public long Length(string path) => (long)Required(path, v => v.GetInfo(physical: true).Allocation);

    public DateTime LastWriteUtc(string path) => Required(path, v =>
    {
        var mtime = (string?)XDocument.Parse(v.GetXmlDesc()).Root?.Element("target")?.Element("timestamps")?.Element("mtime");
        var seconds = decimal.Parse(mtime ?? "0", NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
        return DateTime.UnixEpoch.AddTicks((long)(seconds * TimeSpan.TicksPerSecond));
    });

    public byte[] Read(string path, long offset, int count) => Required(path, v => v.Download(offset, count));

    public void CreateFile(string path, ReadOnlySpan<byte> content)
    {
        var bytes = content.ToArray();
        StoragePools.In(connection, Directory(path), pool =>
        {
            var pool1 = pool ?? throw new SnapshotException(SnapshotErrorKind.BadInput, $"directory '{Directory(path)}' does not exist on the hypervisor");
            RefuseTaken(path);
            using var volume = Create(pool1, path, VolumeXml(path, "raw", (ulong)bytes.Length, Permissions(null)));
            try
            {
                if (bytes.Length > 0)
                    volume.Upload(0, bytes);
            }
            catch
            {
                volume.Delete();
                throw;
            }
            return true;
        });
    }

    public Task CreateOwnedFileAsync(string path, string owner, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var ids = owner.Split(':');
        var permissions = new XElement("permissions", new XElement("mode", "0600"), new XElement("owner", ids[0]), new XElement("group", ids[1]));
        StoragePools.In(connection, Directory(path), pool =>
        {
            var pool1 = pool ?? throw new SnapshotException(SnapshotErrorKind.BadInput, $"directory '{Directory(path)}' does not exist on the hypervisor");
            RefuseTaken(path);
            Create(pool1, path, VolumeXml(path, "raw", 0, permissions)).Dispose();
            return true;
        });
        return Task.CompletedTask;
    }

    public void Write(string path, long offset, ReadOnlySpan<byte> bytes)
    {
        var data = bytes.ToArray();
        Required(path, v =>
        {
            v.Upload(offset, data);
            return true;
        });
    }

    public Task CreateOverlayAsync(string path, string backing, string backingFormat, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var (capacity, permissions) = Required(backing, v => (v.GetInfo().Capacity, Permissions(XDocument.Parse(v.GetXmlDesc()).Root?.Element("target")?.Element("permissions"))));
        StoragePools.In(connection, Directory(path), pool =>
        {
            var pool1 = pool ?? throw new SnapshotException(SnapshotErrorKind.BadInput, $"directory '{Directory(path)}' does not exist on the hypervisor");
            RefuseTaken(path);
            var xml = VolumeXml(path, "qcow2", capacity, permissions,
                new XElement("backingStore", new XElement("path", backing), new XElement("format", new XAttribute("type", backingFormat))));
            Create(pool1, path, xml).Dispose();
            return true;
        });
        return Task.CompletedTask;
    }

    public void Delete(string path) => WithVolume(path, v =>
    {
        v?.Delete();
        return true;
    });

    public IReadOnlyList<string> List(string directory) => StoragePools.In(connection, directory, pool =>
    {
        if (pool is null)
            return (IReadOnlyList<string>)[];
        var volumes = pool.ListAllVolumes();
        try
        {
            return [.. volumes.Where(v => v.GetInfo().Type != DirectoryType).Select(v => v.Path).Order(StringComparer.Ordinal)];
        }
        finally
        {
            foreach (var v in volumes)
                v.Dispose();
        }
    });

    public Task<IReadOnlyList<ChainImage>> ChainAsync(string path, CancellationToken cancellationToken)
    {
        var chain = new List<ChainImage>();
        for (string? file = path; file is not null && chain.All(c => c.File != file);)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (image, next) = Required(file, v =>
            {
                var root = XDocument.Parse(v.GetXmlDesc()).Root;
                var format = (string?)root?.Element("target")?.Element("format")?.Attribute("type") ?? "raw";
                return (new ChainImage(file, format, (long)v.GetInfo().Allocation), (string?)root?.Element("backingStore")?.Element("path"));
            });
            chain.Add(image);
            file = next;
        }
        return Task.FromResult<IReadOnlyList<ChainImage>>(chain);
    }

    private static string Directory(string path) => Path.GetDirectoryName(path) ?? "/";

    private T WithVolume<T>(string path, Func<LibvirtStorageVolume?, T> action) => StoragePools.In(connection, Directory(path), pool =>
    {
        if (pool is null)
            return action(null);
        LibvirtStorageVolume volume;
        try
        {
            volume = connection.LookupStorageVolumeByPath(path);
        }
        catch (StorageVolumeNotFoundException)
        {
            return action(null);
        }
        using (volume)
            return action(volume);
    });

    private T Required<T>(string path, Func<LibvirtStorageVolume, T> action) =>
        WithVolume(path, v => v is null ? throw new FileNotFoundException($"no file '{path}' on the hypervisor", path) : action(v));

    private void RefuseTaken(string path)
    {
        try
        {
            connection.LookupStorageVolumeByPath(path).Dispose();
        }
        catch (StorageVolumeNotFoundException)
        {
            return;
        }
        throw new SnapshotException(SnapshotErrorKind.AlreadyExists, $"file '{path}' already exists on the hypervisor; refusing to overwrite it");
    }

    private static LibvirtStorageVolume Create(LibvirtStoragePool pool, string path, XElement xml)
    {
        try
        {
            return pool.CreateVolume(xml.ToString(SaveOptions.DisableFormatting));
        }
        catch (LibvirtException e) when (e.Code == LibvirtErrorCode.StorageVolExist)
        {
            throw new SnapshotException(SnapshotErrorKind.AlreadyExists, $"file '{path}' already exists on the hypervisor; refusing to overwrite it", e);
        }
    }

    // The backing image's owner and group; 0600, or 0660 when it is group-writable (as the local overlays).
    private static XElement Permissions(XElement? backing)
    {
        var mode = Convert.ToInt32((string?)backing?.Element("mode") ?? "0600", 8);
        var permissions = new XElement("permissions", new XElement("mode", (mode & 0x10) != 0 ? "0660" : "0600"));
        if ((string?)backing?.Element("owner") is { } owner)
            permissions.Add(new XElement("owner", owner));
        if ((string?)backing?.Element("group") is { } group)
            permissions.Add(new XElement("group", group));
        return permissions;
    }

    private static XElement VolumeXml(string path, string format, ulong capacity, XElement permissions, XElement? backingStore = null) =>
        new("volume",
            new XElement("name", Path.GetFileName(path)),
            new XElement("capacity", new XAttribute("unit", "bytes"), capacity.ToString(CultureInfo.InvariantCulture)),
            new XElement("allocation", new XAttribute("unit", "bytes"), 0),
            new XElement("target", new XElement("format", new XAttribute("type", format)), permissions),
            backingStore);
}
