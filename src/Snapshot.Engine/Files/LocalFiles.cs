namespace Snapshot.Engine;

/// <summary>A local connection's files: this machine's paths, opened directly, and qemu-img for images.</summary>
internal sealed class LocalFiles : IHypervisorFiles
{
    public static LocalFiles Instance { get; } = new();

    private LocalFiles()
    {
    }

    public bool IsRemote => false;

    public bool Exists(string path) => File.Exists(path);

    public bool DirectoryExists(string path) => Directory.Exists(path);

    public long Length(string path) => new FileInfo(path) is { Exists: true } info ? info.Length : throw new FileNotFoundException($"no file '{path}'", path);

    public DateTime LastWriteUtc(string path) => File.Exists(path) ? File.GetLastWriteTimeUtc(path) : throw new FileNotFoundException($"no file '{path}'", path);

    public byte[] Read(string path, long offset, int count)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        stream.Position = offset;
        var buffer = new byte[count];
        var filled = stream.ReadAtLeast(buffer, count, throwOnEndOfStream: false);
        return filled == count ? buffer : buffer[..filled];
    }

    public void CreateFile(string path, ReadOnlySpan<byte> content)
    {
        if (!OperatingSystem.IsLinux())
            throw new PlatformNotSupportedException("files are created on Linux only");
        FileStream stream;
        try
        {
            stream = new FileStream(path, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite });
        }
        catch (IOException e) when (File.Exists(path) || Directory.Exists(path) || new FileInfo(path).LinkTarget is not null)
        {
            throw new SnapshotException(SnapshotErrorKind.AlreadyExists, $"file '{path}' already exists; refusing to overwrite it", e);
        }
        using (stream)
            stream.Write(content);
    }

    public Task CreateOwnedFileAsync(string path, string owner, CancellationToken cancellationToken)
    {
        CreateFile(path, []);
        try
        {
            Ownership.Set(path, owner);
        }
        catch
        {
            File.Delete(path);
            throw;
        }
        return Task.CompletedTask;
    }

    public void Write(string path, long offset, ReadOnlySpan<byte> bytes)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"no file '{path}'", path);
        using var file = File.OpenHandle(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite);
        RandomAccess.Write(file, bytes, offset);
        RandomAccess.FlushToDisk(file);
    }

    public Task CreateOverlayAsync(string path, string backing, string backingFormat, CancellationToken cancellationToken) =>
        OverlayImages.CreateAsync(path, backing, backingFormat, cancellationToken);

    public void Delete(string path) => File.Delete(path);

    public IReadOnlyList<string> List(string directory) =>
        Directory.Exists(directory) ? [.. Directory.EnumerateFiles(directory)] : [];

    public Task<IReadOnlyList<ChainImage>> ChainAsync(string path, CancellationToken cancellationToken) =>
        ImageMerges.ChainAsync(path, cancellationToken);
}
