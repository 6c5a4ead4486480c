namespace Snapshot.Interop.Tests;

[CollectionDefinition(nameof(StderrCollection), DisableParallelization = true)]
public sealed class StderrCollection
{
}

/// <summary>libvirt's default error handler prints every error to stderr; the binding installs a no-op handler.</summary>
[Collection(nameof(StderrCollection))]
public sealed partial class StderrTests
{
    [LibraryImport("libc.so.6", EntryPoint = "dup")]
    private static partial int Dup(int fd);

    [LibraryImport("libc.so.6", EntryPoint = "dup2")]
    private static partial int Dup2(int oldFd, int newFd);

    [LibraryImport("libc.so.6", EntryPoint = "close")]
    private static partial int Close(int fd);

    [LibraryImport("libc.so.6", EntryPoint = "write")]
    private static unsafe partial nint Write(int fd, byte* buffer, nint count);

    /// <summary>Runs <paramref name="action"/> with the process's fd 2 pointed at a file, returns what was written there.</summary>
    private static string CaptureStderr(Action action)
    {
        var path = Path.GetTempFileName();
        try
        {
            using (var file = File.Open(path, FileMode.Truncate, FileAccess.Write, FileShare.ReadWrite))
            {
                var saved = Dup(2);
                saved.Should().BeGreaterThanOrEqualTo(0);
                Dup2((int)file.SafeFileHandle.DangerousGetHandle(), 2).Should().Be(2);
                try
                {
                    action();
                }
                finally
                {
                    Dup2(saved, 2).Should().Be(2);
                    Close(saved).Should().Be(0);
                }
            }

            return File.ReadAllText(path);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public unsafe void Capture_sees_what_is_written_to_fd_2()
    {
        var text = CaptureStderr(() =>
        {
            var bytes = "probe\n"u8;
            fixed (byte* p = bytes)
            {
                Write(2, p, bytes.Length);
            }
        });
        text.Should().Be("probe\n");
    }

    [Fact]
    public void Failing_calls_print_nothing_to_stderr()
    {
        var text = CaptureStderr(() =>
        {
            using var conn = LibvirtConnection.Open("test:///default");
            Assert.Throws<DomainNotFoundException>(() => conn.LookupDomain("missing-for-stderr"));
            Assert.Throws<LibvirtException>(() => conn.DefineDomain("<domain"));
            Assert.Throws<LibvirtException>(() => LibvirtConnection.Open("nosuchdriver:///x"));
            using var dom = conn.LookupDomain("test");
            Assert.Throws<SnapshotNotFoundException>(() => dom.LookupSnapshot("missing"));
        });
        text.Should().BeEmpty();
    }
}
