using System.Diagnostics;
using System.Globalization;
using Snapshot.Interop;

namespace Snapshot.Engine;

/// <summary>What one collapse did: QEMU's guest RAM on huge pages before and after, in bytes.</summary>
internal sealed record CollapseResult(int Pid, long RamBytes, long HugeBefore, long HugeAfter, TimeSpan Elapsed, int PartialErrno, long RefusedBytes = 0)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"collapse: QEMU pid {Pid}, guest RAM on huge pages {HugeBefore >> 20} MiB -> {HugeAfter >> 20} MiB of {RamBytes >> 20} MiB in {Elapsed.TotalMilliseconds:0} ms{(PartialErrno == 0 ? "" : $" (partly: {RefusedBytes >> 20} MiB in calls refused with errno {PartialErrno}, left on small pages)")}");
}

/// <summary>
/// Puts QEMU's guest RAM back on transparent huge pages once an instant snapshot's write is over. QEMU's
/// background snapshot releases its userfaultfd write protection one 4 KiB page at a time, which splits every
/// huge page of the guest's RAM, and they stay split: the next snapshot's pre-fault pass and write protection,
/// both inside the pause, then walk a million page-table entries per 4 GiB instead of two thousand, so each
/// later pause grows with the RAM (issue 16). process_madvise(MADV_COLLAPSE) (Linux 6.1) undoes the split
/// without changing a byte of the guest. Best effort: a host where it cannot (a remote daemon, an older kernel,
/// no CAP_SYS_NICE) only loses the speed-up, never the snapshot.
/// </summary>
internal static class HugePageCollapse
{
    private const long HugePage = 2 << 20;

    // One call per chunk: a cancel is seen between chunks (one 4 GiB call would hold the caller for seconds).
    private const long Chunk = 256L << 20;

    /// <summary>
    /// Collapses the guest RAM of <paramref name="domainName"/>'s QEMU, whose vCPU thread id QEMU reported as
    /// <paramref name="vcpuThread"/>; null when that QEMU is not a process of this host (checked by its command line).
    /// </summary>
    public static CollapseResult? Run(int vcpuThread, string domainName, CancellationToken ct)
    {
        if (QemuPid(vcpuThread, domainName) is not { } pid)
            return null;
        var clock = Stopwatch.StartNew();
        using var process = ProcessMemory.Open(pid);
        // Read once the descriptor pins the process: a pid reused since would fail the command-line check.
        if (QemuPid(vcpuThread, domainName) != pid)
            return null;
        var before = GuestRam(pid);
        var partial = 0;
        long refused = 0;
        foreach (var (start, end, _) in before)
        {
            for (var at = AlignUp(start); at + HugePage <= end && !ct.IsCancellationRequested; at += Chunk)
            {
                var length = Math.Min(Chunk, (end - at) / HugePage * HugePage);
                var errno = ProcessMemory.Collapse(process, at, length);
                if (errno != 0)
                    (partial, refused) = (errno, refused + length);
            }
        }
        var after = GuestRam(pid);
        return new CollapseResult(pid, before.Sum(r => r.End - r.Start), before.Sum(r => r.Huge), after.Sum(r => r.Huge), clock.Elapsed, partial, refused);
    }

    /// <summary>The process of <paramref name="thread"/>, if it is the QEMU of <paramref name="domainName"/> (libvirt starts it with <c>-name guest=NAME,...</c>).</summary>
    internal static int? QemuPid(int thread, string domainName)
    {
        try
        {
            var tgid = File.ReadLines($"/proc/{thread}/status").FirstOrDefault(l => l.StartsWith("Tgid:", StringComparison.Ordinal));
            if (tgid is null || !int.TryParse(tgid.AsSpan(5).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
                return null;
            var args = File.ReadAllText($"/proc/{pid}/cmdline").Split('\0');
            var name = "guest=" + domainName.Replace(",", ",,", StringComparison.Ordinal);
            var at = Array.IndexOf(args, "-name");
            return at >= 0 && at + 1 < args.Length && (args[at + 1] == name || args[at + 1].StartsWith(name + ",", StringComparison.Ordinal))
                ? pid : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// The mappings QEMU marked for huge pages (<c>hg</c> in smaps' VmFlags: its guest RAM blocks), with their
    /// bytes on huge pages (AnonHugePages). Not an executable one: under TCG, QEMU's translated-code buffer (1 GiB,
    /// rwx) is marked too; it is not guest RAM, and MADV_COLLAPSE refuses (EINVAL) the most of it that was never
    /// touched (no page table there: khugepaged's SCAN_PMD_NULL), which was the "partly: errno 22" every collapse logged.
    /// </summary>
    internal static List<(long Start, long End, long Huge)> GuestRam(int pid)
    {
        var ranges = new List<(long, long, long)>();
        long start = 0, end = 0, huge = 0;
        foreach (var line in File.ReadLines($"/proc/{pid}/smaps"))
        {
            if (line.StartsWith("AnonHugePages:", StringComparison.Ordinal))
                huge = Kilobytes(line) << 10;
            else if (line.StartsWith("VmFlags:", StringComparison.Ordinal))
            {
                var flags = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (flags.Contains("hg") && !flags.Contains("ex") && end - start >= HugePage)
                    ranges.Add((start, end, huge));
            }
            else if (line.IndexOf(' ') is var space and > 0 && line.IndexOf('-') is var dash and > 0 && dash < space
                && long.TryParse(line.AsSpan(0, dash), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var s)
                && long.TryParse(line.AsSpan(dash + 1, space - dash - 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var e))
            {
                // A mapping's header line: "start-end perms offset dev inode path".
                (start, end, huge) = (s, e, 0);
            }
        }
        return ranges;
    }

    private static long Kilobytes(string line) =>
        long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);

    private static long AlignUp(long address) => (address + HugePage - 1) / HugePage * HugePage;
}
