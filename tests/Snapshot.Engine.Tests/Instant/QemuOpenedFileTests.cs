using System.Buffers.Binary;
using System.Text;
using Snapshot.Interop;
using Snapshot.TestGuest;
using Xunit.Abstractions;
using static Snapshot.Engine.Tests.Instant.InstantHelpers;

namespace Snapshot.Engine.Tests.Instant;

/// <summary>
/// The instant snapshot's path for connections that cannot pass descriptors: QEMU opens the memory file itself
/// (<c>file:PATH,offset=N</c>), chosen here on a local connection by the engine's switch so that it runs beside
/// the pipe's path. (QEMU 7.2 cannot: its refusal is in RemoteInstantTests, over SSH to the host's daemon.)
/// </summary>
[Collection("vm")]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class QemuOpenedFileTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly StepRecorder _steps = new();

    private SnapshotEngine QemuOpensFileEngine(LibvirtConnection connection) =>
        new(connection, new OutputLogger(output), ownsConnection: false, new EngineSeams(_steps, d => new LibvirtQemuDomain(d)) { QemuOpensMemoryFile = true });

    [Fact]
    public async Task On_QEMU_10_QEMU_writes_the_memory_file_itself_a_save_image_the_revert_restores_at_the_snapshot_point()
    {
        var stack = Stack.Backports;
        await using var guest = await TestGuest.TestGuest.StartAsync(new TestGuestOptions
        {
            Uri = stack.Uri, MemoryMiB = 512, FillMiB = 256, RewriteMiBPerSecond = 32, TickMilliseconds = 100, Purpose = "qemufile",
        });
        await guest.WaitForSequenceAsync(s => s >= 3, Timeout);
        using var engine = QemuOpensFileEngine(guest.Connection);
        var memoryFile = Path.Combine(guest.Directory, "qemu-opened.mem");
        SnapshotPoint? point = null;
        var request = InstantRequest("by-qemu", memoryFile) with { OnSnapshotPoint = p => point = p };

        var info = await engine.Domain(guest.DomainName).CreateAsync(request);

        point.Should().NotBeNull();
        output.WriteLine($"guest paused {point!.GuestPause.TotalMilliseconds:0.0} ms (libvirt's lifecycle events)");
        point.GuestPause.Should().BeGreaterThan(TimeSpan.Zero);
        point.GuestPause.Should().BeLessThan(TimeSpan.FromSeconds(1));
        _steps.Ran.Should().Contain("write-header-beside-stream").And.NotContain("hand-pipe-to-qemu", "QEMU opened the file, no pipe was passed");
        info.Location.Should().Be(SnapshotLocation.External);
        info.MemoryFile.Should().Be(memoryFile);

        // libvirt's save-image format, as the pipe's path writes it: the complete magic, the header's fields, QEMU's
        // stream at the 4 KiB boundary after the XML; owned by this process's user, owner-only, as every memory file.
        var bytes = new byte[96];
        await using (var f = File.OpenRead(memoryFile))
            f.ReadExactly(bytes);
        Encoding.ASCII.GetString(bytes, 0, 16).Should().Be("LibvirtQemudSave");
        BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(16)).Should().Be(2u, "version");
        var dataLength = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(20));
        ((92 + dataLength) % 4096).Should().Be(0u, "QEMU's stream starts on the offset the engine gave it");
        BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(24)).Should().Be(1u, "was_running");
        var start = new byte[4];
        await using (var f = File.OpenRead(memoryFile))
        {
            f.Position = 92 + dataLength;
            f.ReadExactly(start);
        }
        Encoding.ASCII.GetString(start).Should().Be("QEVM");
        File.GetUnixFileMode(memoryFile).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        Run("stat", "-c", "%u:%g", memoryFile).Trim().Should().Be(Run("id", "-u").Trim() + ":" + Run("id", "-g").Trim());

        // The engine's external revert restores it (libvirt's restore reads the image): the counter comes back.
        await RevertsToThePointAsync(guest, engine.Domain(guest.DomainName), "by-qemu", output, Timeout);
    }

    /// <summary>The steps an engine ran, in order.</summary>
    private sealed class StepRecorder : IStepHook
    {
        public List<string> Ran { get; } = [];

        public ValueTask BeforeAsync(StepPoint point, CancellationToken cancellationToken)
        {
            lock (Ran)
                Ran.Add(point.Step);
            return ValueTask.CompletedTask;
        }

        public ValueTask AfterAsync(StepPoint point, StepLedger ledger, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }
}
