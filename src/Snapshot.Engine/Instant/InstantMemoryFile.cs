using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;

namespace Snapshot.Engine;

/// <summary>
/// The memory file of an instant snapshot and the relay that fills it: created partial (libvirt refuses to
/// restore a file with that magic), its header written before the pause, the rest relayed from QEMU's pipe,
/// and marked complete only at the very end. Where QEMU opens the file itself (<paramref name="qemuOpens"/>: the
/// hypervisor's files, local or through libvirt), nothing is relayed and every access goes through those files.
/// </summary>
internal sealed class InstantMemoryFile(string path, ILogger logger, string domain, IHypervisorFiles? qemuOpens = null)
{
    private static readonly TimeSpan RelayTimeout = TimeSpan.FromMinutes(5);

    private SafeFileHandle? _file;
    private SafeFileHandle? _pipeWrite;
    private MemoryRelay? _prepared;
    private PipeDrainGuard? _guard;
    private byte[] _header = [];

    public string Path { get; } = path;

    public MemoryRelay? Relay { get; private set; }

    public bool Complete { get; private set; }

    /// <summary>O_CREAT|O_EXCL, mode 0600 (it holds guest RAM), the partial magic first.</summary>
    public void Create()
    {
        Io(() =>
        {
            if (OperatingSystem.IsWindows())
                throw new PlatformNotSupportedException("instant snapshots need a Linux host");
            var stream = new FileStream(Path, new FileStreamOptions
            {
                Mode = FileMode.CreateNew, // O_CREAT|O_EXCL: never follows or reuses an existing file
                Access = FileAccess.ReadWrite,
                Share = FileShare.Read,
                UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            });
            _file = stream.SafeFileHandle;
            RandomAccess.Write(_file, SaveImageWriter.PartialMagic, 0);
        }, "could not create the memory file");
    }

    /// <summary>Builds the header (partial magic) for <paramref name="instantDomainXml"/>; QEMU's stream starts at <see cref="StreamOffset"/>.</summary>
    public void BuildHeader(string instantDomainXml) => _header = SaveImageWriter.Build(instantDomainXml, wasRunning: true);

    /// <summary>Where QEMU's stream starts: the header's length, a multiple of 4096.</summary>
    public long StreamOffset => _header.Length;

    /// <summary>Writes the built header at offset 0; QEMU writes only from <see cref="StreamOffset"/> on, so this may run beside its write.</summary>
    public void WriteHeader() => Io(() =>
    {
        if (qemuOpens is null)
            RandomAccess.Write(_file!, _header, 0);
        else
            qemuOpens.Write(Path, 0, _header);
    }, "could not write the memory file's header");

    /// <summary>
    /// The file QEMU opens itself: empty, 0600, owned by QEMU's user (<c>uid:gid</c>) so that it can open it for writing
    /// (null: QEMU runs as this side's own user).
    /// </summary>
    public async Task CreateForQemuAsync(string? owner, CancellationToken ct)
    {
        var files = qemuOpens!;
        try
        {
            if (owner is null)
                files.CreateFile(Path, []);
            else
                await files.CreateOwnedFileAsync(Path, owner, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or Snapshot.Interop.LibvirtException)
        {
            throw new SnapshotException(SnapshotErrorKind.Failed, $"could not create the memory file {Path}: {e.Message}", e);
        }
    }

    /// <summary>
    /// Gives a local file back to this process's user, who owns every memory file the relay writes. A remote one
    /// stays QEMU's user's: libvirt's storage API cannot change a volume's owner.
    /// </summary>
    public void Reclaim()
    {
        if (qemuOpens is { IsRemote: false })
            Ownership.Set(Path, ProcessOwner());
    }

    /// <summary>
    /// The completeness check of a stream QEMU wrote itself, before the magic says complete: the header is the one
    /// written (partial magic, its fields), QEMU's stream starts at its offset and ends where QEMU ends one.
    /// </summary>
    public void CheckWrittenByQemu()
    {
        using var stream = new HypervisorFileStream(qemuOpens!, Path);
        var header = SaveImageHeader.ReadPartial(stream, Path);
        if (header.StreamOffset != StreamOffset)
            throw new SnapshotException(SnapshotErrorKind.Failed,
                $"the memory file {Path}'s header says its stream starts at {header.StreamOffset}, not at {StreamOffset} where QEMU wrote it");
    }

    // The effective uid and gid (/proc/self/status: real, effective, saved, filesystem).
    private static string ProcessOwner()
    {
        string Effective(string key) => File.ReadLines("/proc/self/status").First(l => l.StartsWith(key, StringComparison.Ordinal))
            .Split('\t', StringSplitOptions.RemoveEmptyEntries)[2];
        return Effective("Uid:") + ":" + Effective("Gid:");
    }

    /// <summary>The pipe's write end, for QEMU, until <see cref="ReleasePipe"/>.</summary>
    public SafeFileHandle? PipeWriteEnd => _pipeWrite;

    /// <summary>
    /// The pipe, its drain guard and the relay's thread, made before the file exists (they change nothing outside this
    /// process): what <see cref="StartRelay"/> begins. Until then <see cref="ClosePipe"/> undoes it.
    /// </summary>
    public void OpenPipe()
    {
        var (read, write) = MemoryRelay.CreatePipe();
        try
        {
            _guard = PipeDrainGuard.Start(read);
        }
        catch (Exception e) when (e is IOException or System.ComponentModel.Win32Exception)
        {
            read.Dispose();
            write.Dispose();
            throw new SnapshotException(SnapshotErrorKind.Failed, $"could not start the memory pipe's drain guard: {e.Message}", e);
        }
        _pipeWrite = write;
        _prepared = MemoryRelay.Prepare(read);
    }

    /// <summary>Starts the relay after the header, reading from the pipe of <see cref="OpenPipe"/>.</summary>
    public void StartRelay()
    {
        var (relay, guard) = (_prepared!, _guard!);
        relay.Begin(_file!, _header.Length);
        (Relay, _prepared, _guard) = (relay, null, null);
        // Read to its end or given up: from then on the guard may drain whatever QEMU still writes.
        _ = Relay.Completion.ContinueWith(_ => guard.Dispose(), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
    }

    /// <summary>A pipe the relay never began on: both ends closed (the relay's thread called off), and the guard, reading the end of the stream at once, ends.</summary>
    public void ClosePipe()
    {
        if (Relay is not null)
            return;
        ReleasePipe();
        Interlocked.Exchange(ref _prepared, null)?.Cancel();
        Interlocked.Exchange(ref _guard, null)?.Dispose();
    }

    /// <summary>Closes this process's write end: once QEMU has its own copy, the relay sees the end of the stream when QEMU closes it.</summary>
    public void ReleasePipe() => Interlocked.Exchange(ref _pipeWrite, null)?.Dispose();

    public async Task<RelayResult> FinishRelayAsync() =>
        await Relay!.Completion.WaitAsync(RelayTimeout, CancellationToken.None).ConfigureAwait(false);

    public void MarkComplete()
    {
        if (qemuOpens is null)
        {
            SaveImageWriter.MarkComplete(_file!);
            _file!.Dispose();
        }
        else
        {
            // Locally each write is fsynced: the empty one makes QEMU's stream durable before the magic says complete.
            if (!qemuOpens.IsRemote)
                qemuOpens.Write(Path, 0, []);
            Io(() => qemuOpens.Write(Path, 0, SaveImageWriter.CompleteMagic), "could not mark the memory file complete");
        }
        Complete = true;
    }

    /// <summary>
    /// Undo of the relay: the file must not be deleted (nor its handle closed) under it; once QEMU's end is
    /// closed it reads the end of the stream and stops. Bounded, never blocking a thread.
    /// </summary>
    public async Task StopRelayAsync()
    {
        ReleasePipe();
        if (Relay is null)
            return;
        try
        {
            await Relay.Completion.WaitAsync(RelayTimeout, CancellationToken.None).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            Log.InstantCleanupFailed(logger, domain, "waiting for the memory relay", "it did not stop in time");
        }
#pragma warning disable CA1031 // the relay's own failure was the step's; here it only has to have stopped
        catch (Exception e)
#pragma warning restore CA1031
        {
            Log.InstantCleanupFailed(logger, domain, "the memory relay", e.Message);
        }
    }

    /// <summary>Undo of the file: a partial one is deleted, a complete one kept (it can still be registered) unless <paramref name="evenComplete"/>.</summary>
    public void Discard(RollbackReport report, bool evenComplete = false)
    {
        _file?.Dispose();
        if (Complete && evenComplete)
        {
            report.DeleteCreatedFile(Path, $"the memory file {Path}", files: qemuOpens);
            return;
        }
        if (Complete)
        {
            report.Left.Add($"the memory file {Path} is complete (it can be registered with snapshot-create --redefine)");
            return;
        }
        report.DeleteCreatedFile(Path, $"the partial memory file {Path}", "; its magic says partial, so libvirt will not restore it", qemuOpens);
    }

    private void Io(Action action, string what)
    {
        try
        {
            action();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or Snapshot.Interop.LibvirtException)
        {
            throw new SnapshotException(SnapshotErrorKind.Failed, $"{what} {Path}: {e.Message}", e);
        }
    }
}
