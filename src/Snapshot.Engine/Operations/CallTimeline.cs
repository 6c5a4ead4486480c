using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Snapshot.Engine;

/// <summary>
/// When a changing call reached the engine and how long each of its stages took, from one clock: what the
/// instant snapshot's request-to-point figure is made of (its -v line), so that no part of it goes unaccounted.
/// </summary>
internal sealed class CallTimeline
{
    private readonly long _start = Stopwatch.GetTimestamp();
    private readonly List<(string Stage, TimeSpan At)> _marks = [];

    /// <summary>The moment the call reached the engine: the request, as the engine sees it.</summary>
    public DateTimeOffset StartedAt { get; } = DateTimeOffset.UtcNow;

    /// <summary>Time since the call reached the engine.</summary>
    public TimeSpan Elapsed => Stopwatch.GetElapsedTime(_start);

    /// <summary>Notes that <paramref name="stage"/> is done now.</summary>
    public void Mark(string stage)
    {
        lock (_marks)
            _marks.Add((stage, Elapsed));
    }

    /// <summary>"call at HH:mm:ss.ffffff UTC; STAGE +ms (+delta), ...": each stage from the call's start and from the one before.</summary>
    public override string ToString() => Describe();

    public string Describe()
    {
        var text = new StringBuilder(string.Create(CultureInfo.InvariantCulture, $"call at {StartedAt.UtcDateTime:HH:mm:ss.ffffff} UTC"));
        var before = TimeSpan.Zero;
        lock (_marks)
        {
            foreach (var (stage, at) in _marks)
            {
                text.Append(CultureInfo.InvariantCulture, $"; {stage} +{at.TotalMilliseconds:0.0} ms ({(at - before).TotalMilliseconds:0.0})");
                before = at;
            }
        }
        return text.ToString();
    }
}
