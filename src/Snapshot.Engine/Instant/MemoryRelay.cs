using System.Diagnostics;
using Microsoft.Win32.SafeHandles;
using Snapshot.Interop;

namespace Snapshot.Engine;

/// <summary>What the relay did: the file's final length and where its time went.</summary>
/// <param name="FileLength">The file's exact length (start offset plus every byte read from the pipe).</param>
/// <param name="StreamBytes">Bytes read from the pipe.</param>
/// <param name="Direct">Whether the blocks were written with O_DIRECT (false when the file system refused it).</param>
/// <param name="PipeBytes">The pipe buffer the kernel granted.</param>
/// <param name="WaitingForWriter">Time spent waiting for the pipe (QEMU being slower than the disk).</param>
/// <param name="WaitingForDisk">Time spent waiting for a block write to end (the disk being slower than QEMU).</param>
internal sealed record RelayResult(long FileLength, long StreamBytes, bool Direct, int PipeBytes, TimeSpan WaitingForWriter, TimeSpan WaitingForDisk);

/// <summary>
/// Reads a stream from a pipe on its own thread and writes it into a file from a given (aligned) offset with
/// O_DIRECT, in large aligned blocks, two of them so that one fills while the other is written. The last
/// partial block is padded to the alignment, written, and the file then cut to its exact length; at the end
/// O_DIRECT is turned off again and the file fsynced. So the memory of a guest goes to the disk at the disk's
/// speed without filling the host's page cache. On a write failure the relay says so at once
/// (<see cref="Failure"/>) but keeps reading and discarding until the writer ends its stream, and only then
/// faults <see cref="Completion"/>: QEMU 7.2 leaves the guest's vCPUs stuck on write-protected pages when its
/// background snapshot fails or is cancelled, so the writer must never see EPIPE.
/// </summary>
internal sealed class MemoryRelay
{
    /// <summary>Size of each of the two blocks.</summary>
    public const int BlockSize = 8 << 20;

    /// <summary>The pipe buffer asked for (the kernel may grant less).</summary>
    public const int RequestedPipeSize = 8 << 20;

    private readonly SafeFileHandle _pipe;
    private readonly TaskCompletionSource<RelayResult> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    // True once the file and its offset are set (Begin), false when the relay is called off before (Cancel).
    private readonly TaskCompletionSource<bool> _begun = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private SafeFileHandle _file = null!;
    private long _start;
    private long _streamBytes;

    private MemoryRelay(SafeFileHandle pipe) => _pipe = pipe;

    /// <summary>Ends with the file complete on the disk, or faults.</summary>
    private int _abandoned;

    public Task<RelayResult> Completion => _done.Task;

    /// <summary>The write failure, as soon as it happened (the relay then discards the rest of the stream).</summary>
    public Exception? Failure => Volatile.Read(ref _failure);

    private Exception? _failure;

    /// <summary>Bytes read from the pipe so far.</summary>
    public long StreamBytes => Interlocked.Read(ref _streamBytes);

    /// <summary>A pipe for the relay, both ends close-on-exec: (read end, write end).</summary>
    public static (SafeFileHandle Read, SafeFileHandle Write) CreatePipe() => NativeFile.CreatePipe();

    /// <summary>
    /// Stops writing to the file but keeps reading the pipe to its end: QEMU's background snapshot cannot
    /// be cancelled safely (QEMU 7.2), so a cancel lets it finish at pipe speed instead of disk speed.
    /// </summary>
    public void Abandon() => Volatile.Write(ref _abandoned, 1);

    /// <summary>
    /// Starts relaying <paramref name="pipe"/> (a read end, owned from now on) into <paramref name="file"/> from
    /// <paramref name="start"/>, a multiple of <see cref="NativeFile.DirectAlignment"/>. Nothing at lower offsets is touched.
    /// </summary>
    public static MemoryRelay Start(SafeFileHandle file, long start, SafeFileHandle pipe)
    {
        CheckTarget(file, start);
        var relay = Prepare(pipe);
        relay.Begin(file, start);
        return relay;
    }

    /// <summary>
    /// Starts the relay's thread on <paramref name="pipe"/> (a read end, owned from now on) before the file exists, so
    /// that a thread's start (milliseconds on a loaded host) is not on the way to the snapshot point: it reads nothing
    /// until <see cref="Begin"/>, and closes the pipe and ends on <see cref="Cancel"/>.
    /// </summary>
    public static MemoryRelay Prepare(SafeFileHandle pipe)
    {
        ArgumentNullException.ThrowIfNull(pipe);
        var relay = new MemoryRelay(pipe);
        var thread = new Thread(relay.Run) { IsBackground = true, Name = "virt-snap memory relay" };
        thread.Start();
        return relay;
    }

    /// <summary>The relay of <see cref="Prepare"/> writes into <paramref name="file"/> from <paramref name="start"/> (as <see cref="Start"/>).</summary>
    public void Begin(SafeFileHandle file, long start)
    {
        CheckTarget(file, start);
        (_file, _start) = (file, start);
        if (!_begun.TrySetResult(true))
            throw new InvalidOperationException("the relay was already begun or called off");
    }

    /// <summary>A relay that will never begin: its thread closes the pipe and ends, <see cref="Completion"/> cancelled.</summary>
    public void Cancel() => _begun.TrySetResult(false);

    private static void CheckTarget(SafeFileHandle file, long start)
    {
        ArgumentNullException.ThrowIfNull(file);
        if (start < 0 || start % NativeFile.DirectAlignment != 0)
            throw new ArgumentOutOfRangeException(nameof(start), start, $"must be a multiple of {NativeFile.DirectAlignment}");
    }

    private void Run()
    {
        try
        {
            if (_begun.Task.GetAwaiter().GetResult())
                _done.SetResult(Relay());
            else
                _done.SetCanceled();
        }
#pragma warning disable CA1031 // every failure goes to Completion
        catch (Exception e)
#pragma warning restore CA1031
        {
            _done.SetException(e);
        }
        finally
        {
            _pipe.Dispose(); // the writer sees EPIPE (on failure) or has already closed its end
        }
    }

    private RelayResult Relay()
    {
        var pipeBytes = NativeFile.SetPipeSize(_pipe, RequestedPipeSize);
        var direct = NativeFile.SetDirect(_file, true);
        using var first = new AlignedBuffer(BlockSize);
        using var second = new AlignedBuffer(BlockSize);
        using var pipe = new FileStream(_pipe, FileAccess.Read, bufferSize: 0);
        try
        {
            return Copy(pipe, first, second, pipeBytes, direct);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or OperationCanceledException)
        {
            Volatile.Write(ref _failure, e);
            // Let the writer finish: read and discard to the end of the stream.
            var sink = first.Memory;
            int n;
            while ((n = pipe.Read(sink.Span)) > 0)
                Interlocked.Add(ref _streamBytes, n);
            throw;
        }
    }

    private RelayResult Copy(FileStream pipe, AlignedBuffer first, AlignedBuffer second, int pipeBytes, bool direct)
    {
        var waitingForWriter = new Stopwatch();
        var waitingForDisk = new Stopwatch();
        var offset = _start;
        var current = first;
        Task pending = Task.CompletedTask;
        try
        {
            while (true)
            {
                var block = current.Memory;
                var filled = 0;
                waitingForWriter.Start();
                while (filled < BlockSize)
                {
                    var n = pipe.Read(block.Span[filled..]);
                    if (n == 0)
                        break;
                    filled += n;
                    Interlocked.Add(ref _streamBytes, n);
                }
                waitingForWriter.Stop();
                if (Volatile.Read(ref _abandoned) != 0)
                    throw new OperationCanceledException("the memory write was abandoned");

                waitingForDisk.Start();
                pending.GetAwaiter().GetResult(); // the other block's write, which may have failed
                waitingForDisk.Stop();
                if (filled == BlockSize)
                {
                    pending = RandomAccess.WriteAsync(_file, block, offset).AsTask();
                    offset += filled;
                    current = ReferenceEquals(current, first) ? second : first;
                    continue;
                }

                // The end of the stream: the last block, padded to the alignment, then the file cut to its length.
                var length = offset + filled;
                if (filled > 0)
                {
                    var padded = direct ? (filled + NativeFile.DirectAlignment - 1) / NativeFile.DirectAlignment * NativeFile.DirectAlignment : filled;
                    block.Span[filled..padded].Clear();
                    waitingForDisk.Start();
                    RandomAccess.Write(_file, block.Span[..padded], offset);
                    waitingForDisk.Stop();
                }
                NativeFile.Truncate(_file, length);
                if (direct)
                    NativeFile.SetDirect(_file, false);
                RandomAccess.FlushToDisk(_file);
                return new RelayResult(length, length - _start, direct, pipeBytes, waitingForWriter.Elapsed, waitingForDisk.Elapsed);
            }
        }
        finally
        {
            // Never free a block while a write from it is in flight.
            try
            {
                pending.Wait();
            }
            catch (AggregateException)
            {
                // Already reported, or superseded by the failure being thrown.
            }
        }
    }
}
