using System.Globalization;
using Snapshot.Engine;

namespace Snapshot.Cli.Output;

/// <summary>A one-line progress bar redrawn in place; only used when stdout is a terminal.</summary>
internal sealed class ProgressBar(TextWriter output) : IProgress<SnapshotProgress>
{
    private const int Width = 30;
    private readonly Lock _lock = new();
    private bool _drawn;

    public void Report(SnapshotProgress value)
    {
        var fraction = value.BytesTotal > 0 ? Math.Clamp((double)value.BytesDone / value.BytesTotal, 0, 1) : 0;
        var filled = (int)(fraction * Width);
        var line = string.Create(CultureInfo.InvariantCulture,
            $"\r[{new string('#', filled)}{new string('.', Width - filled)}] {fraction * 100,3:0}% {value.Phase.ToLibvirtWord()} {value.BytesDone / (1024 * 1024)}/{value.BytesTotal / (1024 * 1024)} MiB");
        lock (_lock)
        {
            output.Write(line.PadRight(79));
            output.Flush();
            _drawn = true;
        }
    }

    /// <summary>Erases the bar so the final message starts on a clean line.</summary>
    public void Clear()
    {
        lock (_lock)
        {
            if (_drawn)
            {
                output.Write("\r" + new string(' ', 79) + "\r");
                output.Flush();
                _drawn = false;
            }
        }
    }
}
