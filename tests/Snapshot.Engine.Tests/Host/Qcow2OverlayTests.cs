namespace Snapshot.Engine.Tests.Host;

/// <summary>
/// The overlay the engine writes itself is the file qemu-img writes for the same backing image, byte for byte, and
/// qemu-img finds nothing wrong in it; what it cannot write (another format, an empty image) qemu-img still makes.
/// </summary>
public sealed class Qcow2OverlayTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("virtsnap-qcow2-").FullName;

    public static TheoryData<string, long> RawSizes => new()
    {
        { "base.img", 1 << 20 },
        { "odd.img", 1000 }, // rounded up to 512 bytes, as qemu-img does
        { "disk with spaces é.raw", 10L << 30 },
        { "big.img", 3L << 40 }, // 6,144 L1 entries: still one cluster
        { "bigger.img", 5L << 40 }, // 10,240 entries: the L1 table takes two clusters and the refcount block counts five
    };

    [Theory]
    [MemberData(nameof(RawSizes))]
    public async Task On_a_raw_image_it_is_the_file_qemu_img_writes(string name, long size)
    {
        var backing = Path.Combine(_dir, name);
        using (var file = File.Create(backing))
            file.SetLength(size);

        var ours = await CreateAsync("ours.qcow2", backing, "raw", ourselves: true);
        var theirs = await CreateAsync("theirs.qcow2", backing, "raw", ourselves: false);

        File.ReadAllBytes(ours).Should().Equal(File.ReadAllBytes(theirs));
        (await AllocatedAsync(ours)).Should().Be(await AllocatedAsync(theirs), "a delete reads the host allocation to choose a merge's direction");
        await CheckAsync(ours);
    }

    [Fact]
    public async Task Through_a_symbolic_link_it_takes_the_size_of_the_image_linked_to()
    {
        var image = Path.Combine(_dir, "base.img");
        using (var file = File.Create(image))
            file.SetLength(2L << 30);
        var link = Path.Combine(_dir, "disk.img");
        File.CreateSymbolicLink(link, image);

        var ours = await CreateAsync("ours.qcow2", link, "raw", ourselves: true);
        var theirs = await CreateAsync("theirs.qcow2", link, "raw", ourselves: false);

        Qcow2Overlay.VirtualSize(link, "raw").Should().Be(2L << 30, "the guest's disk keeps its size, not the link's");
        File.ReadAllBytes(ours).Should().Equal(File.ReadAllBytes(theirs));
    }

    [Fact]
    public async Task On_a_qcow2_image_it_takes_that_image_s_virtual_size()
    {
        var raw = Path.Combine(_dir, "base.img");
        using (var file = File.Create(raw))
            file.SetLength(3L << 30);
        var middle = await CreateAsync("middle.qcow2", raw, "raw", ourselves: false);

        var ours = await CreateAsync("ours.qcow2", middle, "qcow2", ourselves: true);
        var theirs = await CreateAsync("theirs.qcow2", middle, "qcow2", ourselves: false);

        File.ReadAllBytes(ours).Should().Equal(File.ReadAllBytes(theirs));
        await CheckAsync(ours);
        (await OverlayImages.BackingChainAsync(ours, CancellationToken.None)).Should().Equal(ours, middle, raw);
    }

    [Fact]
    public async Task What_it_does_not_read_is_left_to_qemu_img()
    {
        var empty = Path.Combine(_dir, "empty.img");
        File.WriteAllBytes(empty, []);
        var vmdk = Path.Combine(_dir, "base.vmdk");
        await OverlayImages.RunAsync("qemu-img", ["create", "-q", "-f", "vmdk", vmdk, "64M"], CancellationToken.None);

        Qcow2Overlay.VirtualSize(vmdk, "vmdk").Should().BeNull();
        Qcow2Overlay.VirtualSize(Path.Combine(_dir, "missing.img"), "raw").Should().BeNull();
        var dangling = Path.Combine(_dir, "dangling.img");
        File.CreateSymbolicLink(dangling, Path.Combine(_dir, "gone.img"));
        Qcow2Overlay.VirtualSize(dangling, "raw").Should().BeNull("qemu-img says what is wrong with it");
        Qcow2Overlay.VirtualSize(vmdk, "qcow2").Should().BeNull("not a qcow2 header");
        var encrypted = Path.Combine(_dir, "encrypted.qcow2");
        await OverlayImages.RunAsync("qemu-img", ["create", "-q", "--object", "secret,id=s0,data=not-a-real-key", "-f", "qcow2",
            "-o", "encrypt.format=luks,encrypt.key-secret=s0,encrypt.iter-time=10", encrypted, "64M"], CancellationToken.None);
        Qcow2Overlay.VirtualSize(encrypted, "qcow2").Should().BeNull("an overlay on an encrypted image must be encrypted too: qemu-img's to make");
        using (var never = File.OpenHandle(Path.Combine(_dir, "never.qcow2"), FileMode.CreateNew, FileAccess.Write))
            Qcow2Overlay.TryWrite(never, empty, "raw", 0).Should().BeFalse();
        new FileInfo(Path.Combine(_dir, "never.qcow2")).Length.Should().Be(0, "nothing was written");

        var overlay = Path.Combine(_dir, "on-vmdk.qcow2");
        await OverlayImages.CreateAsync(overlay, vmdk, "vmdk", CancellationToken.None);
        (await OverlayImages.BackingChainAsync(overlay, CancellationToken.None)).Should().Equal(overlay, vmdk);
        await CheckAsync(overlay);
    }

    private async Task<string> CreateAsync(string name, string backing, string format, bool ourselves)
    {
        var path = Path.Combine(_dir, name);
        if (ourselves)
        {
            using var file = File.OpenHandle(path, FileMode.CreateNew, FileAccess.Write);
            Qcow2Overlay.TryWrite(file, backing, format, Qcow2Overlay.VirtualSize(backing, format)!.Value).Should().BeTrue();
        }
        else
            await OverlayImages.RunAsync("qemu-img", ["create", "-q", "-f", "qcow2", "-F", format, "-b", backing, path], CancellationToken.None);
        return path;
    }

    // What the host allocated for the file, in 512-byte blocks (stat's %b).
    private static async Task<string> AllocatedAsync(string path) =>
        (await OverlayImages.RunAsync("stat", ["-c", "%b", path], CancellationToken.None)).Trim();

    // qemu-img check exits non-zero, which RunAsync throws, on any error it finds.
    private static async Task CheckAsync(string path) =>
        (await OverlayImages.RunAsync("qemu-img", ["check", "-U", path], CancellationToken.None)).Should().Contain("No errors were found on the image.");

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
