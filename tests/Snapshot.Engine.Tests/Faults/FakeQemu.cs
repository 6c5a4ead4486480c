using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Win32.SafeHandles;
using Snapshot.Interop;

namespace Snapshot.Engine.Tests.Faults;

/// <summary>
/// QEMU's side of an instant snapshot, faked over a test-driver domain: migration capabilities and parameters,
/// getfd/closefd on real descriptors, and a background snapshot that resumes the guest and writes
/// <see cref="MemoryBytes"/> into the pipe. Its replies can be changed: a refused command, a "failed" status,
/// a migration that never resumes the guest.
/// </summary>
internal sealed class FakeQemu(LibvirtDomain domain) : IQemuDomain
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, FileStream> _fds = new(StringComparer.Ordinal);
    private string _status = "none";
    private long _transferred;
    private Task _writer = Task.CompletedTask;

    public Dictionary<string, bool> Capabilities { get; } = new(StringComparer.Ordinal) { ["background-snapshot"] = false, ["xbzrle"] = false };

    public long MaxBandwidth { get; set; } = 32 << 20;

    public long MemoryBytes { get; init; } = 3 << 20;

    /// <summary>A command QEMU answers with an error (by its "execute" name), else null.</summary>
    public string? Refuse { get; set; }

    /// <summary>The migration fails at once, before any page or resume, with no error-desc (as QEMU 7.2's bg_migration_thread can).</summary>
    public bool FailsSilently { get; set; }

    /// <summary>The status the migration ends in ("completed" or "failed").</summary>
    public string EndStatus { get; set; } = "completed";

    /// <summary>Whether starting the background snapshot restarts the guest's CPUs: as the real one of <see cref="Version"/> unless set
    /// (QEMU 7.2 does, 8.2 and later do not).</summary>
    public bool ResumesGuest
    {
        get => _resumesGuest ?? Version < InstantPlan.KeepsGuestPausedSince;
        set => _resumesGuest = value;
    }

    private bool? _resumesGuest;

    /// <summary>
    /// QEMU 7.2's restart of the vCPUs (a bottom half of its main loop) comes right after its <c>query-status</c> reply said
    /// paused: the race of a real QEMU 7.2 whose main loop runs the restart late.
    /// </summary>
    public bool ResumesAfterStatusReply { get; set; }

    /// <summary>What <c>query-version</c> answers: QEMU 10.0 opens a <c>file:</c> URI itself, 7.2 cannot.</summary>
    public Version Version { get; set; } = new(10, 0, 2);

    /// <summary>How long QEMU takes before its first RAM page (saving devices, turning write tracking on).</summary>
    public TimeSpan FirstPageDelay { get; set; }

    /// <summary>How long QEMU takes before its last block: a write still running when the engine's rollback starts.</summary>
    public TimeSpan LastBlockDelay { get; set; }

    /// <summary>The domain's state when the memory write ended.</summary>
    public DomainState? StateWhenWritten { get; private set; }

    public bool DisksSwitched { get; private set; }

    public int OpenDescriptors
    {
        get
        {
            lock (_gate)
                return _fds.Count;
        }
    }

    public string Status
    {
        get
        {
            lock (_gate)
                return _status;
        }
    }

    public Task Writer => _writer;

    public bool HasJob() => false;

    /// <summary>A migration started past libvirt (QMP <c>migrate</c> by hand), still running: libvirt knows of no job.</summary>
    public void MigrateByHand()
    {
        lock (_gate)
            _status = "active";
    }

    public void SwitchDisks(string snapshotXml, SnapshotCreateFlags flags) => DisksSwitched = true;

    public string CommandWithFile(string command, SafeFileHandle file)
    {
        var (execute, arguments) = Parse(command);
        if (execute != "getfd")
            return Error("GenericError", $"{execute} takes no file");
        if (execute == Refuse)
            return Error("GenericError", "refused by the test");
        // QEMU keeps its own copy of the descriptor: so does the fake, through /proc.
        var copy = new FileStream("/proc/self/fd/" + file.DangerousGetHandle(), FileMode.Open, FileAccess.Write, FileShare.ReadWrite, 1);
        lock (_gate)
            _fds[(string)arguments!["fdname"]!] = copy;
        return Ok(null);
    }

    /// <summary>Every QMP command sent, by its "execute" name, in order.</summary>
    public List<string> Executed { get; } = [];

    public string Command(string command)
    {
        var (execute, arguments) = Parse(command);
        lock (_gate)
            Executed.Add(execute);
        if (execute == Refuse)
            return Error("GenericError", "refused by the test");
        lock (_gate)
        {
            switch (execute)
            {
                case "query-migrate-capabilities":
                    return Ok(new JsonArray(Capabilities.Select(c => (JsonNode)new JsonObject { ["capability"] = c.Key, ["state"] = c.Value }).ToArray()));
                case "migrate-set-capabilities" when _status is "setup" or "active":
                    return Error("GenericError", "There's a migration process in progress");
                case "migrate-set-capabilities":
                    foreach (var c in arguments!["capabilities"]!.AsArray())
                        Capabilities[(string)c!["capability"]!] = (bool)c["state"]!;
                    return Ok(null);
                case "query-migrate-parameters":
                    return Ok(new JsonObject { ["max-bandwidth"] = MaxBandwidth });
                case "migrate-set-parameters":
                    MaxBandwidth = (long)arguments!["max-bandwidth"]!;
                    return Ok(null);
                case "query-migrate":
                    var reply = new JsonObject();
                    if (_status != "none")
                        reply["status"] = _status;
                    reply["ram"] = new JsonObject { ["transferred"] = _transferred, ["total"] = MemoryBytes, ["normal"] = _transferred / 4096, ["duplicate"] = 0 };
                    if (_status == "failed" && !FailsSilently)
                        reply["error-desc"] = "failed by the test";
                    return Ok(reply);
                case "query-status":
                    var running = domain.GetState().State == DomainState.Running;
                    if (ResumesAfterStatusReply && !running && _transferred > 0)
                        domain.Resume();
                    return Ok(new JsonObject { ["running"] = running, ["status"] = running ? "running" : "paused" });
                case "closefd":
                    if (!_fds.Remove((string)arguments!["fdname"]!, out var closed))
                        return Error("GenericError", "File descriptor named not found");
                    closed.Dispose();
                    return Ok(null);
                case "query-version":
                    return Ok(new JsonObject { ["qemu"] = new JsonObject { ["major"] = Version.Major, ["minor"] = Version.Minor, ["micro"] = Version.Build } });
                case "migrate" when ((string)arguments!["uri"]!).StartsWith("file:", StringComparison.Ordinal):
                    // As QEMU 8.2+'s file: URI: opened O_CREAT|O_TRUNC, the stream written from the offset on.
                    var spec = ((string)arguments["uri"]!)["file:".Length..].Split(",offset=");
                    var file = new FileStream(spec[0], FileMode.Create, FileAccess.Write, FileShare.ReadWrite);
                    file.Position = long.Parse(spec[1], System.Globalization.CultureInfo.InvariantCulture);
                    _status = "active";
                    _writer = Task.Factory.StartNew(() => WriteMemory(file), TaskCreationOptions.LongRunning); // its own thread: it sleeps (FirstPageDelay)
                    return Ok(null);
                case "migrate":
                    var name = ((string)arguments!["uri"]!)["fd:".Length..];
                    if (!_fds.Remove(name, out var target))
                        return Error("GenericError", "File descriptor named not found");
                    _status = "active";
                    _writer = Task.Factory.StartNew(() => WriteMemory(target), TaskCreationOptions.LongRunning); // its own thread: it sleeps (FirstPageDelay)
                    return Ok(null);
                default:
                    return Error("CommandNotFound", $"The command {execute} has not been found");
            }
        }
    }

    private void WriteMemory(FileStream target)
    {
        if (FailsSilently)
        {
            target.Dispose();
            lock (_gate)
                _status = "failed";
            return;
        }
        Thread.Sleep(FirstPageDelay);
        // As QEMU's vm_start: nothing to do when someone else already restarted the guest.
        if (ResumesGuest && !ResumesAfterStatusReply && domain.GetState().State == DomainState.Paused)
        {
            try
            {
                domain.Resume();
            }
            catch (LibvirtException)
            {
            }
        }
        var block = new byte[64 << 10];
        Array.Fill(block, (byte)0x5a);
        using (target)
        {
            for (long done = 0; done < MemoryBytes; done += block.Length)
            {
                var length = (int)Math.Min(block.Length, MemoryBytes - done);
                if (done + length >= MemoryBytes)
                    Thread.Sleep(LastBlockDelay);
                // A stream as QEMU's starts ("QEVM") and ends (QEMU_VM_EOF), for the checks of a file QEMU wrote itself.
                "QEVM"u8.CopyTo(block);
                block[length - 1] = done + length >= MemoryBytes ? (byte)0x01 : (byte)0x5a;
                target.Write(block, 0, length);
                lock (_gate)
                    _transferred = Math.Min(done + block.Length, MemoryBytes);
            }
        }
        StateWhenWritten = domain.GetState().State;
        lock (_gate)
            _status = EndStatus;
    }

    private static (string Execute, JsonNode? Arguments) Parse(string command)
    {
        var node = JsonNode.Parse(command)!;
        return ((string)node["execute"]!, node["arguments"]);
    }

    private static string Ok(JsonNode? result) => new JsonObject { ["return"] = result ?? new JsonObject() }.ToJsonString();

    private static string Error(string cls, string desc) =>
        JsonSerializer.Serialize(new { error = new { @class = cls, desc } });
}
