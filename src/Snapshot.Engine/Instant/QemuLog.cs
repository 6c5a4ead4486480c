using System.Globalization;

namespace Snapshot.Engine;

/// <summary>
/// QEMU's own words from libvirt's log of the domain (<c>DIR/&lt;domain&gt;.log</c>, QEMU's stderr). libvirt starts
/// QEMU with <c>-msg timestamp=on</c>, so each of QEMU's lines begins with its UTC time: the lines from a moment on
/// are the ones a failure since then wrote.
/// </summary>
internal static class QemuLog
{
    private const int MaxLines = 5;

    // Enough for the last minutes of a log that libvirt appends to for the domain's whole life.
    private const int TailBytes = 64 << 10;

    /// <summary>QEMU's last lines stamped at or after <paramref name="since"/>, joined into one line; null when there are none or the log cannot be read.</summary>
    public static string? LinesSince(string directory, string domain, DateTimeOffset since)
    {
        try
        {
            using var stream = new FileStream(Path.Combine(directory, domain + ".log"), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            stream.Position = Math.Max(0, stream.Length - TailBytes);
            using var reader = new StreamReader(stream);
            var lines = reader.ReadToEnd().Split('\n')
                .Where(l => Stamp(l) is { } at && at >= since)
                .Select(l => l.Trim())
                .TakeLast(MaxLines)
                .ToList();
            return lines.Count > 0 ? string.Join(" | ", lines) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    // "2026-12-01T19:00:00.123456Z qemu-system-x86_64: ...": QEMU's stamp; libvirt's own lines ("2026-12-01 19:00:00.123+0000: ...") have none in their first word.
    private static DateTimeOffset? Stamp(string line)
    {
        var space = line.IndexOf(' ', StringComparison.Ordinal);
        return space > 0 && line[space - 1] == 'Z'
            && DateTimeOffset.TryParse(line.AsSpan(0, space), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at)
            ? at : null;
    }
}
