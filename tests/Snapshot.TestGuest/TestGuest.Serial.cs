using System.Diagnostics;
using Snapshot.Interop;

namespace Snapshot.TestGuest;

/// <summary>Reading the serial console: the <c>seq=N</c> lines the workload prints, waited for with a timeout that reports the domain's state and the log's tail.</summary>
public sealed partial class TestGuest
{
    /// <summary>The last <c>seq=N</c> printed so far, or -1 when none was.</summary>
    public long LatestSequence()
    {
        var lines = _log.LinesAfter(new LogMark(-1));
        for (var i = lines.Count - 1; i >= 0; i--)
        {
            if (SerialLog.ParseSequence(lines[i]) is { } seq)
                return seq;
        }
        return -1;
    }

    /// <summary>A position in the serial log (its current end).</summary>
    public LogMark Mark() => _log.Mark();

    /// <summary>The next <c>seq=N</c> printed after now for which <paramref name="predicate"/> holds.</summary>
    public Task<long> WaitForSequenceAsync(Func<long, bool> predicate, TimeSpan timeout, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        return WaitForSequenceAfterAsync(Mark(), predicate, timeout, "a matching seq= line", ct);
    }

    /// <summary>The first <c>seq=N</c> line printed after <paramref name="mark"/> (e.g. the first after a revert).</summary>
    public Task<long> FirstSequenceAfterAsync(LogMark mark, TimeSpan timeout, CancellationToken ct = default) =>
        WaitForSequenceAfterAsync(mark, _ => true, timeout, "a seq= line", ct);

    /// <summary>
    /// The first number the guest writes after <paramref name="mark"/> once brought back to a state whose disk held
    /// <paramref name="onDisk"/> (a revert): <paramref name="onDisk"/> + 1 when it goes on from that state
    /// (<see cref="SerialLog.SequenceAfterRevert"/> says which line that is).
    /// </summary>
    public async Task<long> SequenceAfterRevertAsync(LogMark mark, long onDisk, TimeSpan timeout, CancellationToken ct = default) =>
        (await PollAsync(() => SerialLog.SequenceAfterRevert(_log.LinesAfter(mark), onDisk), timeout, $"a seq= line going on from {onDisk}", ct))!.Value;

    /// <summary>The first <c>seq=N</c> line after <paramref name="mark"/> for which <paramref name="predicate"/> holds.</summary>
    public Task<long> WaitForSequenceAfterAsync(LogMark mark, Func<long, bool> predicate, TimeSpan timeout, CancellationToken ct = default) =>
        WaitForSequenceAfterAsync(mark, predicate, timeout, "a matching seq= line", ct);

    /// <summary>The first line after <paramref name="mark"/> for which <paramref name="predicate"/> holds.</summary>
    public async Task<string> WaitForLineAsync(LogMark mark, Func<string, bool> predicate, TimeSpan timeout, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        var line = await PollAsync(() => _log.LinesAfter(mark).FirstOrDefault(predicate), timeout, "a matching line", ct);
        return line!;
    }

    /// <summary>The <c>INCONSISTENT disk=X mem=Y</c> lines printed after <paramref name="mark"/>.</summary>
    public IReadOnlyList<string> InconsistentLinesAfter(LogMark mark) =>
        _log.LinesAfter(mark).Where(SerialLog.IsInconsistent).ToList();

    /// <summary>Every line printed after <paramref name="mark"/>.</summary>
    public IReadOnlyList<string> LinesAfter(LogMark mark) => _log.LinesAfter(mark);

    private async Task<long> WaitForSequenceAfterAsync(LogMark mark, Func<long, bool> predicate, TimeSpan timeout, string what, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        var found = await PollAsync(() =>
        {
            foreach (var line in _log.LinesAfter(mark))
            {
                if (SerialLog.ParseSequence(line) is { } seq && predicate(seq))
                    return (long?)seq;
            }
            return null;
        }, timeout, what, ct);
        return found!.Value;
    }

    private async Task<T> PollAsync<T>(Func<T> probe, TimeSpan timeout, string what, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            var value = probe();
            if (value is not null)
                return value;
            if (clock.Elapsed > timeout)
                throw new TimeoutException($"Test guest {DomainName} ({DescribeState()}) printed no {what} within {timeout.TotalSeconds:0.#} s. Serial log tail:\n{_log.Tail(60)}");
            await Task.Delay(50, ct);
        }
    }

    private string DescribeState()
    {
        try
        {
            using var domain = Connection.LookupDomain(DomainName);
            var state = domain.GetState();
            return $"state {state.State}, reason {state.Reason}";
        }
        catch (LibvirtException e)
        {
            return $"state unknown: {e.Message}";
        }
    }
}
