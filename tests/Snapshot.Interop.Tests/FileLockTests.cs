namespace Snapshot.Interop.Tests;

/// <summary>The advisory lock the engine's per-domain operation lock stands on.</summary>
public sealed class FileLockTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("virtsnap-lock-").FullName;

    [Fact]
    public void A_held_lock_is_refused_to_a_second_open_and_free_once_closed()
    {
        var path = Path.Combine(_dir, "a.lock");
        using (var first = FileLock.TryAcquire(path, out var none))
        {
            first.Should().NotBeNull();
            none.Should().BeNull();
            File.GetUnixFileMode(path).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite);

            FileLock.TryAcquire(path, out var busy).Should().BeNull();
            busy.Should().NotBeNull("the holder's file is handed back to read its record");
            busy!.Dispose();
        }

        using var again = FileLock.TryAcquire(path, out _);
        again.Should().NotBeNull();
    }

    [Fact]
    public void A_symbolic_link_is_never_followed()
    {
        var target = Path.Combine(_dir, "target");
        var link = Path.Combine(_dir, "link.lock");
        File.CreateSymbolicLink(link, target);

        FluentActions.Invoking(() => FileLock.TryAcquire(link, out _)).Should().Throw<IOException>().Which.HResult.Should().Be(40); // ELOOP
        File.Exists(target).Should().BeFalse();
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
