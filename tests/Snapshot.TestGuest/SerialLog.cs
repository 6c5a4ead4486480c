using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Snapshot.TestGuest;

/// <summary>
/// Incremental reader of the guest's serial log (a file QEMU appends to). Only whole lines count;
/// each remembers the file offset just past its newline.
/// </summary>
public sealed partial class SerialLog
{
    private readonly string _path;
    private readonly Lock _lock = new();
    private readonly List<(long End, string Text)> _lines = [];
    private readonly List<byte> _partial = [];
    private long _readOffset;

    public SerialLog(string path) => _path = path;

    public string Path => _path;

    /// <summary>The current end of the log (everything read so far, partial line included).</summary>
    public LogMark Mark()
    {
        lock (_lock)
        {
            Refresh();
            return new LogMark(_readOffset);
        }
    }

    /// <summary>Whole lines that ended after <paramref name="mark"/>, oldest first.</summary>
    public IReadOnlyList<string> LinesAfter(LogMark mark)
    {
        lock (_lock)
        {
            Refresh();
            var result = new List<string>();
            for (var i = _lines.Count - 1; i >= 0 && _lines[i].End > mark.Offset; i--)
                result.Add(_lines[i].Text);
            result.Reverse();
            return result;
        }
    }

    /// <summary>The whole log as text (for error messages).</summary>
    public string Text()
    {
        try
        {
            using var stream = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            return reader.ReadToEnd();
        }
        catch (IOException e)
        {
            return $"(serial log {_path} unreadable: {e.Message})";
        }
        catch (UnauthorizedAccessException e)
        {
            return $"(serial log {_path} unreadable: {e.Message})";
        }
    }

    /// <summary>The last <paramref name="count"/> lines (for error messages).</summary>
    public string Tail(int count = 40)
    {
        var lines = Text().Split('\n');
        return string.Join('\n', lines.Skip(Math.Max(0, lines.Length - count)));
    }

    /// <summary>The number of a <c>seq=N</c> line, or null.</summary>
    public static long? ParseSequence(string line)
    {
        var m = SequenceRegex().Match(line);
        return m.Success ? long.Parse(m.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture) : null;
    }

    /// <summary>
    /// The number the guest went on with after a revert to a state whose disk held <paramref name="onDisk"/>, from
    /// the lines printed since; null while there is none yet.
    /// </summary>
    /// <remarks>
    /// The workload prints <c>seq=N</c> after block N is on disk, and the line crosses the emulated UART later still:
    /// a snapshot taken in between holds N on disk with its line still in guest memory, and the restored guest prints
    /// it first. That one late line is passed over; any other first number is returned as it is, for the caller to fail on.
    /// </remarks>
    public static long? SequenceAfterRevert(IEnumerable<string> lines, long onDisk)
    {
        var late = true;
        foreach (var line in lines)
        {
            if (ParseSequence(line) is not { } seq)
                continue;
            if (seq != onDisk || !late)
                return seq;
            late = false;
        }
        return null;
    }

    public static bool IsInconsistent(string line) => line.Contains("INCONSISTENT disk=", StringComparison.Ordinal);

    private void Refresh()
    {
        FileStream stream;
        try
        {
            stream = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (FileNotFoundException)
        {
            return;
        }
        catch (DirectoryNotFoundException)
        {
            return;
        }
        using (stream)
        {
            if (stream.Length < _readOffset)
            {
                // Truncated under us (nothing in the fixture does that): start over.
                _readOffset = 0;
                _partial.Clear();
                _lines.Clear();
            }
            stream.Seek(_readOffset, SeekOrigin.Begin);
            var buffer = new byte[64 * 1024];
            int n;
            while ((n = stream.Read(buffer, 0, buffer.Length)) > 0)
            {
                for (var i = 0; i < n; i++)
                {
                    var b = buffer[i];
                    if (b == (byte)'\n')
                    {
                        var text = Encoding.UTF8.GetString([.. _partial]).TrimEnd('\r');
                        _lines.Add((_readOffset + i + 1, text));
                        _partial.Clear();
                    }
                    else
                    {
                        _partial.Add(b);
                    }
                }
                _readOffset += n;
            }
        }
    }

    // Anchored at the end only: a line cut short by a revert may leave a fragment before it.
    [GeneratedRegex(@"seq=(\d+)\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex SequenceRegex();
}
