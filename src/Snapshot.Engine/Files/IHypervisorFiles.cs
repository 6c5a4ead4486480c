using Snapshot.Interop;

namespace Snapshot.Engine;

/// <summary>
/// What the engine does to a domain's files (images, memory files), where they are: on this machine for a local
/// connection (<see cref="LocalFiles"/>: direct paths and qemu-img), on the hypervisor through libvirt's storage
/// API for a remote one (<see cref="RemoteFiles"/>). Paths are the hypervisor's. <see cref="HypervisorFiles.For"/>
/// picks the side from the connection's URI.
/// </summary>
internal interface IHypervisorFiles
{
    /// <summary>Whether the files are on another machine (nothing here can open them; no qemu-img runs on them).</summary>
    bool IsRemote { get; }

    /// <summary>Whether <paramref name="path"/> is a file (not a directory).</summary>
    bool Exists(string path);

    /// <summary>Whether <paramref name="path"/> is a directory.</summary>
    bool DirectoryExists(string path);

    /// <summary>The file's length in bytes.</summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    long Length(string path);

    /// <summary>When the file was last written (UTC).</summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    DateTime LastWriteUtc(string path);

    /// <summary>Up to <paramref name="count"/> bytes from <paramref name="offset"/>; fewer when the file ends first.</summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    byte[] Read(string path, long offset, int count);

    /// <summary>Creates <paramref name="path"/> (never over a file or through a link), mode 0600, holding <paramref name="content"/>.</summary>
    /// <exception cref="SnapshotException"><see cref="SnapshotErrorKind.AlreadyExists"/> when the path is taken.</exception>
    void CreateFile(string path, ReadOnlySpan<byte> content);

    /// <summary>
    /// Creates <paramref name="path"/> empty, mode 0600, owned by <paramref name="owner"/> (<c>uid:gid</c>): a file another
    /// user (QEMU's) opens itself for writing.
    /// </summary>
    /// <exception cref="SnapshotException"><see cref="SnapshotErrorKind.AlreadyExists"/> when the path is taken.</exception>
    Task CreateOwnedFileAsync(string path, string owner, CancellationToken cancellationToken);

    /// <summary>
    /// Writes <paramref name="bytes"/> into the existing file at <paramref name="offset"/>, never truncating it, and
    /// makes the file durable where this side can (locally an fsync; remotely libvirt's upload, which does not sync).
    /// </summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    void Write(string path, long offset, ReadOnlySpan<byte> bytes);

    /// <summary>
    /// Creates the qcow2 overlay <paramref name="path"/> on <paramref name="backing"/> (format <paramref name="backingFormat"/>),
    /// owned like the backing image, mode 0600 (0660 when the backing image is group-writable); a failure leaves no file.
    /// </summary>
    /// <exception cref="SnapshotException"><see cref="SnapshotErrorKind.AlreadyExists"/> when the path is taken.</exception>
    Task CreateOverlayAsync(string path, string backing, string backingFormat, CancellationToken cancellationToken);

    /// <summary>Deletes the file; a file that is not there is no error.</summary>
    void Delete(string path);

    /// <summary>The files (full paths) directly in <paramref name="directory"/>; none when it does not exist.</summary>
    IReadOnlyList<string> List(string directory);

    /// <summary>The image and every image below it, each with its format and host allocation (qemu-img info's actual-size).</summary>
    Task<IReadOnlyList<ChainImage>> ChainAsync(string path, CancellationToken cancellationToken);
}

/// <summary>Which side's files a connection's domains have.</summary>
internal static class HypervisorFiles
{
    /// <summary>
    /// Local files for a local URI, the storage API otherwise. libvirt has no "is local" call (virConnectIsSecure
    /// is true for ssh and unix alike), so the rule reads the URI (<c>virConnectGetURI</c>): see <see cref="IsRemoteUri"/>.
    /// </summary>
    public static IHypervisorFiles For(LibvirtConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return IsRemoteUri(connection.Uri) ? new RemoteFiles(connection) : LocalFiles.Instance;
    }

    /// <summary>
    /// Remote when the URI names a transport other than <c>unix</c> (<c>qemu+ssh</c>, <c>qemu+tcp</c>, <c>qemu+tls</c>,
    /// <c>qemu+libssh2</c>, <c>qemu+ext</c>, ...), or names a host without a transport (<c>qemu://host/system</c> is TLS).
    /// <c>qemu:///system</c>, <c>qemu+unix:///system?socket=...</c> and <c>test:///default</c> are local: a unix socket
    /// is on this machine, so are the files of its daemon.
    /// </summary>
    public static bool IsRemoteUri(string uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        var colon = uri.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
            return false;
        var scheme = uri[..colon];
        var plus = scheme.IndexOf('+', StringComparison.Ordinal);
        if (plus >= 0)
            return !string.Equals(scheme[(plus + 1)..], "unix", StringComparison.OrdinalIgnoreCase);
        var rest = uri[(colon + 1)..];
        if (!rest.StartsWith("//", StringComparison.Ordinal))
            return false;
        var authority = rest[2..];
        var end = authority.IndexOfAny(['/', '?']);
        var host = end < 0 ? authority : authority[..end];
        host = host[(host.LastIndexOf('@') + 1)..];
        return host.Length > 0;
    }
}
