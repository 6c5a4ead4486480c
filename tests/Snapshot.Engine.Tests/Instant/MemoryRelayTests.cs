using Microsoft.Win32.SafeHandles;

namespace Snapshot.Engine.Tests.Instant;

/// <summary>The O_DIRECT relay on its own: pipe in, byte-exact file out, failures surfaced to both ends.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class MemoryRelayTests : IDisposable
{
    private const int Header = 8192;
    private readonly string _directory = Directory.CreateDirectory(Path.Combine("/var/tmp", "virtsnap-relay-" + Guid.NewGuid().ToString("N"))).FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(4095)]
    [InlineData(4096)]
    [InlineData(4097)]
    [InlineData(MemoryRelay.BlockSize - 1)]
    [InlineData(MemoryRelay.BlockSize)]
    [InlineData(MemoryRelay.BlockSize + 1)]
    [InlineData(2 * MemoryRelay.BlockSize + 12345)]
    public async Task The_file_is_the_header_then_the_stream_byte_for_byte_whatever_its_length(int length)
    {
        var path = Path.Combine(_directory, $"relay-{length}.mem");
        var header = Enumerable.Range(0, Header).Select(i => (byte)(i * 7)).ToArray();
        var stream = new byte[length];
        new Random(length).NextBytes(stream);
        using var file = File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite);
        RandomAccess.Write(file, header, 0);

        var (read, write) = MemoryRelay.CreatePipe();
        var relay = MemoryRelay.Start(file, Header, read);
        await WriteInOddChunksAsync(write, stream);
        var result = await relay.Completion.WaitAsync(TimeSpan.FromSeconds(60));

        result.FileLength.Should().Be(Header + length);
        result.StreamBytes.Should().Be(length);
        result.Direct.Should().BeTrue("/var/tmp is on a file system that takes O_DIRECT");
        var written = await File.ReadAllBytesAsync(path);
        written.Length.Should().Be(Header + length);
        written.AsSpan(0, Header).SequenceEqual(header).Should().BeTrue("the relay never touches what lies before its start");
        written.AsSpan(Header).SequenceEqual(stream).Should().BeTrue();
    }

    [Fact]
    public async Task A_start_that_is_not_aligned_is_refused()
    {
        using var file = File.OpenHandle(Path.Combine(_directory, "unaligned.mem"), FileMode.CreateNew, FileAccess.ReadWrite);
        var (read, write) = MemoryRelay.CreatePipe();
        using (read)
        using (write)
        {
            var act = () => MemoryRelay.Start(file, 92, read);
            act.Should().Throw<ArgumentOutOfRangeException>();
        }
        await Task.CompletedTask;
    }

    [Fact]
    public async Task A_write_failure_is_reported_at_once_and_the_rest_of_the_stream_is_drained_so_the_writer_ends_normally()
    {
        var path = Path.Combine(_directory, "readonly.mem");
        await File.WriteAllBytesAsync(path, new byte[Header]);
        using var file = File.OpenHandle(path, FileMode.Open, FileAccess.Read); // every write fails (EBADF)
        var (read, write) = MemoryRelay.CreatePipe();
        var relay = MemoryRelay.Start(file, Header, read);

        // The writer is QEMU: a failed background snapshot stalls the guest on QEMU 7.2, so it must see no EPIPE.
        var gate = new SemaphoreSlim(0);
        var writer = Task.Run(async () =>
        {
            await gate.WaitAsync();
            await WriteInOddChunksAsync(write, new byte[4 * MemoryRelay.BlockSize]);
        });
        gate.Release();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (relay.Failure is null && DateTime.UtcNow < deadline)
            await Task.Delay(10);
        relay.Failure.Should().BeOfType<UnauthorizedAccessException>("pwrite on a read-only descriptor: EBADF");
        await writer.WaitAsync(TimeSpan.FromSeconds(30));
        await relay.Invoking(r => r.Completion.WaitAsync(TimeSpan.FromSeconds(30))).Should().ThrowAsync<UnauthorizedAccessException>();
        relay.StreamBytes.Should().Be(4L * MemoryRelay.BlockSize, "everything was read, the rest discarded");
        new FileInfo(path).Length.Should().Be(Header);
    }

    [Fact]
    public async Task An_abandoned_relay_stops_writing_but_reads_the_stream_to_its_end()
    {
        var path = Path.Combine(_directory, "abandoned.mem");
        using var file = File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite);
        RandomAccess.Write(file, new byte[Header], 0);
        var (read, write) = MemoryRelay.CreatePipe();
        var relay = MemoryRelay.Start(file, Header, read);

        relay.Abandon();
        await WriteInOddChunksAsync(write, new byte[8 * MemoryRelay.BlockSize]);

        await relay.Invoking(r => r.Completion.WaitAsync(TimeSpan.FromSeconds(30))).Should().ThrowAsync<OperationCanceledException>();
        relay.StreamBytes.Should().Be(8L * MemoryRelay.BlockSize, "the writer (QEMU) is let finish");
        new FileInfo(path).Length.Should().Be(Header, "nothing of the stream reached the file");
    }

    private static Task WriteInOddChunksAsync(SafeFileHandle write, byte[] data) => Task.Run(() =>
    {
        using var pipe = new FileStream(write, FileAccess.Write, bufferSize: 0);
        var random = new Random(data.Length);
        for (var offset = 0; offset < data.Length;)
        {
            var chunk = Math.Min(data.Length - offset, random.Next(1, 3 << 20));
            pipe.Write(data, offset, chunk);
            offset += chunk;
        }
    });
}
