namespace Snapshot.Engine.Tests.Host;

/// <summary>
/// A new overlay is created atomically (O_CREAT|O_EXCL: never through a symbolic link, never over a file)
/// before qemu-img writes into it, 0600 (0660 when the frozen image is open to its group), never readable by others.
/// </summary>
public sealed class OverlayCreationTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("virtsnap-overlay-").FullName;

    private string Backing()
    {
        var backing = Path.Combine(_dir, "base.img");
        File.WriteAllBytes(backing, new byte[1 << 20]);
        File.SetUnixFileMode(backing, (UnixFileMode)0b110_100_100); // 0644, as images often are
        return backing;
    }

    [Fact]
    public async Task A_dangling_symlink_at_the_overlay_path_is_refused_and_left_untouched()
    {
        var backing = Backing();
        var target = Path.Combine(_dir, "elsewhere.qcow2");
        var overlay = Path.Combine(_dir, "base.snap.qcow2");
        File.CreateSymbolicLink(overlay, target);

        var refused = await FluentActions.Awaiting(() => OverlayImages.CreateAsync(overlay, backing, "raw", CancellationToken.None))
            .Should().ThrowAsync<SnapshotException>();

        refused.Which.Message.Should().Be($"overlay '{overlay}' already exists; refusing to overwrite it");
        new FileInfo(overlay).LinkTarget.Should().Be(target, "the link stays as it was");
        File.Exists(target).Should().BeFalse("nothing was created through the link");
    }

    [Fact]
    public async Task An_existing_file_at_the_overlay_path_is_refused_and_left_untouched()
    {
        var backing = Backing();
        var overlay = Path.Combine(_dir, "base.snap.qcow2");
        await File.WriteAllTextAsync(overlay, "someone's data");

        await FluentActions.Awaiting(() => OverlayImages.CreateAsync(overlay, backing, "raw", CancellationToken.None))
            .Should().ThrowAsync<SnapshotException>().WithMessage("*already exists; refusing to overwrite it");

        (await File.ReadAllTextAsync(overlay)).Should().Be("someone's data");
    }

    [Theory]
    [InlineData(0b110_100_100, 0b110_000_000)] // 0644 frozen image: 0600 overlay
    [InlineData(0b110_110_100, 0b110_110_000)] // 0664: 0660, QEMU's group keeps its access
    [InlineData(0b110_000_000, 0b110_000_000)]
    public async Task A_new_overlay_is_readable_by_its_owner_and_group_only(int backingMode, int expected)
    {
        var backing = Backing();
        File.SetUnixFileMode(backing, (UnixFileMode)backingMode);
        var overlay = Path.Combine(_dir, "base.snap.qcow2");

        await OverlayImages.CreateAsync(overlay, backing, "raw", CancellationToken.None);

        File.GetUnixFileMode(overlay).Should().Be((UnixFileMode)expected);
        (await OverlayImages.BackingChainAsync(overlay, CancellationToken.None)).Should().Equal(overlay, backing);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
