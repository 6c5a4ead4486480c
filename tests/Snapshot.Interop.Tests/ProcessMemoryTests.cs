using System.Runtime.InteropServices;

namespace Snapshot.Interop.Tests;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed unsafe class ProcessMemoryTests
{
    private const long HugePage = 2 << 20;

    [Fact]
    public void A_process_that_does_not_exist_is_refused_with_its_errno()
    {
        FluentActions.Invoking(() => ProcessMemory.Open(int.MaxValue)).Should().Throw<IOException>()
            .WithMessage("*pidfd_open failed*").Which.HResult.Should().Be(3, "ESRCH");
    }

    [Fact]
    public void Touched_memory_of_a_process_is_collapsed_into_huge_pages_with_its_contents()
    {
        // Four huge pages' worth, 2 MiB aligned, touched 4 KiB at a time (each page a small one at first).
        var size = (nuint)(4 * HugePage);
        var memory = (byte*)NativeMemory.AlignedAlloc(size, (nuint)HugePage);
        try
        {
            for (long i = 0; i < (long)size; i += 4096)
                memory[i] = (byte)(i / 4096);
            using var self = ProcessMemory.Open(Environment.ProcessId);

            ProcessMemory.Collapse(self, (long)memory, (long)size).Should().Be(0);

            HugeBytesAt((long)memory).Should().BeGreaterThanOrEqualTo(4 * HugePage);
            for (long i = 0; i < (long)size; i += 4096)
                memory[i].Should().Be((byte)(i / 4096));
        }
        finally
        {
            NativeMemory.AlignedFree(memory);
        }
    }

    /// <summary>AnonHugePages of the mapping that holds <paramref name="address"/> (/proc/self/smaps).</summary>
    private static long HugeBytesAt(long address)
    {
        var inside = false;
        foreach (var line in File.ReadLines("/proc/self/smaps"))
        {
            var dash = line.IndexOf('-');
            var space = line.IndexOf(' ');
            if (dash > 0 && space > dash && long.TryParse(line.AsSpan(0, dash), System.Globalization.NumberStyles.HexNumber, null, out var start)
                && long.TryParse(line.AsSpan(dash + 1, space - dash - 1), System.Globalization.NumberStyles.HexNumber, null, out var end))
                inside = start <= address && address < end;
            else if (inside && line.StartsWith("AnonHugePages:", StringComparison.Ordinal))
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) << 10;
        }
        return 0;
    }
}
