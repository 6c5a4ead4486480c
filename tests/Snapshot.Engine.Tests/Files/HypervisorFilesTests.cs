using System.Text;
using Snapshot.Interop;

namespace Snapshot.Engine.Tests.Files;

/// <summary>
/// Both sides of <see cref="IHypervisorFiles"/> do the same to the same files: the local one directly, the remote one
/// through the host daemon's storage API (which sees this machine's paths, so the outcome can be checked here), and
/// the remote one leaves no storage pool behind.
/// </summary>
public sealed class HypervisorFilesTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("virtsnap-files-").FullName;
    private readonly LibvirtConnection _connection = LibvirtConnection.Open("qemu:///system");

    public static TheoryData<string> Sides() => ["local", "remote"];

    private IHypervisorFiles Side(string side) => side == "local" ? LocalFiles.Instance : new RemoteFiles(_connection);

    [Theory]
    [MemberData(nameof(Sides))]
    public void A_small_file_is_created_once_read_by_range_listed_and_deleted(string side)
    {
        var files = Side(side);
        var path = Path.Combine(_dir, "header.bin");
        files.Exists(path).Should().BeFalse();

        files.CreateFile(path, Encoding.ASCII.GetBytes("LibvirtQemudSave and more"));

        files.Exists(path).Should().BeTrue();
        files.Length(path).Should().Be(25);
        Encoding.ASCII.GetString(files.Read(path, 7, 8)).Should().Be("QemudSav");
        files.Read(path, 20, 100).Should().HaveCount(5, "a read past the end returns what there is");
        File.GetUnixFileMode(path).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        files.List(_dir).Should().Equal(path);
        FluentActions.Invoking(() => files.CreateFile(path, [1])).Should().Throw<SnapshotException>()
            .Which.Kind.Should().Be(SnapshotErrorKind.AlreadyExists);
        File.ReadAllText(path).Should().Be("LibvirtQemudSave and more", "the refused create changed nothing");

        files.Delete(path);
        files.Exists(path).Should().BeFalse();
        File.Exists(path).Should().BeFalse();
        files.Delete(path);
    }

    [Theory]
    [MemberData(nameof(Sides))]
    public async Task An_overlay_is_created_on_its_backing_image_and_its_chain_read(string side)
    {
        var files = Side(side);
        var backing = Path.Combine(_dir, "base.img");
        File.WriteAllBytes(backing, new byte[1 << 20]);
        File.SetUnixFileMode(backing, (UnixFileMode)0b110_110_100);
        var overlay = Path.Combine(_dir, "base.snap.qcow2");

        await files.CreateOverlayAsync(overlay, backing, "raw", CancellationToken.None);

        File.GetUnixFileMode(overlay).Should().Be((UnixFileMode)0b110_110_000, "group-writable backing: 0660");
        var chain = await files.ChainAsync(overlay, CancellationToken.None);
        chain.Select(c => (c.File, c.Format)).Should().Equal((overlay, "qcow2"), (backing, "raw"));
        var local = await LocalFiles.Instance.ChainAsync(overlay, CancellationToken.None);
        local.Select(c => c.File).Should().Equal(chain.Select(c => c.File), "qemu-img reads the same chain");
        await FluentActions.Awaiting(() => files.CreateOverlayAsync(overlay, backing, "raw", CancellationToken.None))
            .Should().ThrowAsync<SnapshotException>().Where(e => e.Kind == SnapshotErrorKind.AlreadyExists);
    }

    [Theory]
    [MemberData(nameof(Sides))]
    public void A_missing_directory_or_file_is_told_apart(string side)
    {
        var files = Side(side);
        var missing = Path.Combine(_dir, "nowhere");

        files.DirectoryExists(_dir).Should().BeTrue();
        files.DirectoryExists(missing).Should().BeFalse();
        files.Exists(Path.Combine(missing, "x")).Should().BeFalse();
        files.List(missing).Should().BeEmpty();
        FluentActions.Invoking(() => files.Length(Path.Combine(_dir, "x"))).Should().Throw<FileNotFoundException>();
    }

    // The instant path makes its overlays beside its other steps: two calls in one directory at once. The first
    // call's transient pool must not be destroyed under the second, which found it and works in it.
    [Fact]
    public async Task Two_remote_calls_in_one_directory_at_once_both_succeed()
    {
        var files = new RemoteFiles(_connection);
        var backing = Path.Combine(_dir, "base.img");
        File.WriteAllBytes(backing, new byte[1 << 20]);
        var overlays = Enumerable.Range(0, 4).Select(i => Task.Run(() => files.CreateOverlayAsync(Path.Combine(_dir, $"o{i}.qcow2"), backing, "raw", CancellationToken.None))).ToList();
        var small = Enumerable.Range(0, 8).Select(i => Task.Run(() =>
        {
            var path = Path.Combine(_dir, $"f{i}");
            files.CreateFile(path, [1, 2, 3]);
            return files.Length(path);
        })).ToList();

        await Task.WhenAll(overlays);
        (await Task.WhenAll(small)).Should().OnlyContain(n => n == 3);
        FluentActions.Invoking(() => _connection.LookupStoragePoolByTargetPath(_dir)).Should().Throw<StoragePoolNotFoundException>();
    }

    [Fact]
    public void The_remote_side_leaves_no_storage_pool_behind()
    {
        var files = new RemoteFiles(_connection);
        files.CreateFile(Path.Combine(_dir, "a"), [1, 2, 3]);
        files.Exists(Path.Combine(_dir, "a")).Should().BeTrue();

        FluentActions.Invoking(() => _connection.LookupStoragePoolByTargetPath(_dir)).Should().Throw<StoragePoolNotFoundException>();
    }

    [Theory]
    [InlineData("qemu:///system", false)]
    [InlineData("qemu+unix:///system?socket=/var/lib/virt-snap/stack2/run/libvirt/libvirt-sock", false)]
    [InlineData("test:///default", false)]
    [InlineData("qemu+ssh://root@127.0.0.1/system?keyfile=/k", true)]
    [InlineData("qemu+tcp://127.0.0.1:16519/system", true)]
    [InlineData("qemu+tls://host.example/system", true)]
    [InlineData("qemu://host.example/system", true)]
    [InlineData("qemu+libssh2://user@host/system", true)]
    [InlineData("qemu+ext:///system?command=/bin/x", true)]
    public void A_uri_is_remote_by_its_transport_or_its_host(string uri, bool remote) =>
        HypervisorFiles.IsRemoteUri(uri).Should().Be(remote);

    public void Dispose()
    {
        _connection.Dispose();
        Directory.Delete(_dir, recursive: true);
    }
}
