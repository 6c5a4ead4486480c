namespace Snapshot.Interop.Tests;

/// <summary>The journal's directory fsync and the drain guard's inheritable descriptor.</summary>
public sealed class NativeFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("virtsnap-nativefile-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void A_directory_is_fsynced_and_a_file_or_a_link_is_refused()
    {
        NativeFile.SyncDirectory(_dir);

        var file = Path.Combine(_dir, "file");
        File.WriteAllText(file, "x");
        FluentActions.Invoking(() => NativeFile.SyncDirectory(file)).Should().Throw<IOException>().WithMessage("*open of the directory failed*");
        var link = Path.Combine(_dir, "link");
        Directory.CreateSymbolicLink(link, _dir);
        FluentActions.Invoking(() => NativeFile.SyncDirectory(link)).Should().Throw<IOException>("a symbolic link is never followed");
    }

    [Fact]
    public void A_duplicate_for_a_child_has_no_close_on_exec_and_reads_the_same_pipe()
    {
        var (read, write) = NativeFile.CreatePipe();
        using (read)
        using (write)
        using (var copy = NativeFile.DuplicateInheritable(read))
        {
            (Flags(read) & CloseOnExec).Should().NotBe(0, "every descriptor the binding opens is close-on-exec");
            (Flags(copy) & CloseOnExec).Should().Be(0);
            // A pipe has no offset: streams, not RandomAccess.
            using var writer = new FileStream(write, FileAccess.Write, bufferSize: 0);
            writer.Write("ab"u8);
            using var reader = new FileStream(copy, FileAccess.Read, bufferSize: 0);
            var buffer = new byte[2];
            reader.ReadExactly(buffer);
            buffer.Should().Equal("ab"u8.ToArray());
        }
    }

    private const int CloseOnExec = 0x80000;

    // /proc/self/fdinfo's flags are the descriptor's open flags in octal, O_CLOEXEC included.
    private static int Flags(Microsoft.Win32.SafeHandles.SafeFileHandle handle)
    {
        var line = File.ReadLines($"/proc/self/fdinfo/{handle.DangerousGetHandle()}").First(l => l.StartsWith("flags:", StringComparison.Ordinal));
        return Convert.ToInt32(line["flags:".Length..].Trim(), 8);
    }
}
