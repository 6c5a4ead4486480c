using Microsoft.Extensions.Logging.Abstractions;

namespace Snapshot.Engine.Tests.Instant;

/// <summary>
/// The memory pipe and its drain guard, made beside QEMU's migration settings before the file exists: one the relay
/// never got (a failure in between) leaves no descriptor of it open, in this process or in the guard's.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class MemoryPipeTests
{
    [Fact]
    public async Task A_pipe_the_relay_never_got_is_closed_everywhere_and_its_drain_guard_ends()
    {
        var memory = new InstantMemoryFile(Path.Combine("/var/tmp", $"virtsnap-pipe-{Guid.NewGuid():N}.mem"), NullLogger.Instance, "d");
        memory.OpenPipe();
        var pipe = new FileInfo($"/proc/self/fd/{memory.PipeWriteEnd!.DangerousGetHandle()}").LinkTarget;
        pipe.Should().StartWith("pipe:[");
        Holders(pipe).Where(pid => pid != Environment.ProcessId).Should().NotBeEmpty("the drain guard (its sh and the cat waiting on the lifeline) holds a read end");

        memory.ClosePipe();

        memory.PipeWriteEnd.Should().BeNull();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (Holders(pipe).Count > 0 && DateTime.UtcNow < deadline)
            await Task.Delay(20);
        Holders(pipe).Should().BeEmpty("both ends are closed here, and the guard read the end of the stream and ended");
        File.Exists(memory.Path).Should().BeFalse("the pipe is made before the memory file, which it never creates");
    }

    /// <summary>The processes with a descriptor on <paramref name="pipe"/> (<c>pipe:[inode]</c>).</summary>
    private static List<int> Holders(string? pipe)
    {
        var holders = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
                continue;
            try
            {
                if (Directory.EnumerateFileSystemEntries(Path.Combine(dir, "fd")).Any(fd => new FileInfo(fd).LinkTarget == pipe))
                    holders.Add(pid);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // A process that ended meanwhile, or one this user may not look into.
            }
        }
        return holders;
    }
}
