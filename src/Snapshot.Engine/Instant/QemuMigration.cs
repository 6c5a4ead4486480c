using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Win32.SafeHandles;

namespace Snapshot.Engine;

/// <summary>A QMP command that QEMU answered with an error.</summary>
internal sealed class QemuCommandException(string command, string errorClass, string description)
    : Exception($"QEMU refused '{command}': {description}")
{
    public string Command { get; } = command;
    public string ErrorClass { get; } = errorClass;
    public string Description { get; } = description;
}

/// <summary>
/// What <c>query-migrate</c> reports. <see cref="Pages"/> counts the RAM pages already in the stream (zero and
/// normal ones): a background snapshot sends none before its RAM write tracking is on.
/// </summary>
internal sealed record MigrationStatus(string Status, long Transferred, long Total, string? Error, long Pages = 0)
{
    public bool IsActive => Status is "setup" or "active" or "device" or "pre-switchover" or "cancelling"
        or "postcopy-active" or "postcopy-paused" or "postcopy-recover" or "colo" or "wait-unplug";
}

/// <summary>
/// QEMU's migration commands over the domain's monitor (<see cref="IQemuDomain"/>). Every command is written
/// with <see cref="Utf8JsonWriter"/>, so no value can change the command's shape.
/// </summary>
internal sealed class QemuMigration(IQemuDomain qemu)
{
    /// <summary>The largest bandwidth libvirt itself asks for (its "unlimited"), in bytes per second.</summary>
    public const long UnlimitedBandwidth = (long.MaxValue >> 20) << 20;

    /// <summary>Capabilities QEMU 7.2 refuses alongside background-snapshot (migration.c, migrate_caps_check).</summary>
    public static readonly IReadOnlyList<string> IncompatibleWithBackgroundSnapshot =
    [
        "postcopy-ram", "dirty-bitmaps", "postcopy-blocktime", "late-block-activate", "return-path", "multifd",
        "pause-before-switchover", "auto-converge", "release-ram", "rdma-pin-all", "compress", "xbzrle",
        "x-colo", "validate-uuid", "zero-copy-send",
    ];

    public const string BackgroundSnapshot = "background-snapshot";

    /// <summary>The migration parameter of the bandwidth limit.</summary>
    public const string MaxBandwidth = "max-bandwidth";

    public IReadOnlyDictionary<string, bool> QueryCapabilities()
    {
        var result = Execute("query-migrate-capabilities", null);
        var caps = new Dictionary<string, bool>(StringComparer.Ordinal);
        foreach (var cap in result.EnumerateArray())
            caps[cap.GetProperty("capability").GetString()!] = cap.GetProperty("state").GetBoolean();
        return caps;
    }

    public void SetCapability(string capability, bool state) =>
        Unwrap("migrate-set-capabilities", qemu.Command(SetCapabilitiesCommand([(capability, state)])));

    /// <summary>QMP <c>migrate-set-capabilities</c> as QEMU takes it: what the engine sends, and what a message tells a user to send.</summary>
    public static string SetCapabilitiesCommand(IEnumerable<(string Capability, bool State)> capabilities) =>
        Build("migrate-set-capabilities", w =>
        {
            w.WriteStartArray("capabilities");
            foreach (var (capability, state) in capabilities)
            {
                w.WriteStartObject();
                w.WriteString("capability", capability);
                w.WriteBoolean("state", state);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        });

    public long QueryMaxBandwidth()
    {
        var result = Execute("query-migrate-parameters", null);
        return result.TryGetProperty(MaxBandwidth, out var bw) ? bw.GetInt64() : 0;
    }

    public void SetMaxBandwidth(long bytesPerSecond) =>
        Unwrap("migrate-set-parameters", qemu.Command(SetMaxBandwidthCommand(bytesPerSecond)));

    /// <summary>QMP <c>migrate-set-parameters</c> of the bandwidth limit alone.</summary>
    public static string SetMaxBandwidthCommand(long bytesPerSecond) =>
        Build("migrate-set-parameters", w => w.WriteNumber(MaxBandwidth, bytesPerSecond));

    public MigrationStatus QueryMigrate()
    {
        var result = Execute("query-migrate", null);
        var status = result.TryGetProperty("status", out var s) ? s.GetString() ?? "none" : "none";
        long transferred = 0, total = 0, pages = 0;
        if (result.TryGetProperty("ram", out var ram))
        {
            if (ram.TryGetProperty("transferred", out var t)) transferred = t.GetInt64();
            if (ram.TryGetProperty("total", out var n)) total = n.GetInt64();
            if (ram.TryGetProperty("duplicate", out var d)) pages += d.GetInt64();
            if (ram.TryGetProperty("normal", out var p)) pages += p.GetInt64();
        }
        var error = result.TryGetProperty("error-desc", out var e) ? e.GetString() : null;
        return new MigrationStatus(status, transferred, total, error, pages);
    }

    /// <summary>Hands <paramref name="file"/> to QEMU under <paramref name="name"/> (QMP <c>getfd</c>).</summary>
    public void GetFd(SafeFileHandle file, string name)
    {
        var command = Build("getfd", w => w.WriteString("fdname", name));
        Unwrap("getfd", qemu.CommandWithFile(command, file));
    }

    public void CloseFd(string name) => Execute("closefd", w => w.WriteString("fdname", name));

    /// <summary>Cancels the migration: only recovery does, for one whose writer died and that still has not ended.</summary>
    public void Cancel() => Execute("migrate_cancel", null);

    public void MigrateToFd(string name) =>
        Execute("migrate", w => w.WriteString("uri", "fd:" + name));

    /// <summary>What QEMU's <c>file:</c> URI reads as the offset (migration/file.c, file_parse_offset: the first occurrence).</summary>
    public const string FileOffsetOption = ",offset=";

    /// <summary>
    /// QEMU opens <paramref name="path"/> itself and writes the stream from <paramref name="offset"/> on (QEMU 8.2+).
    /// It opens with O_CREAT|O_TRUNC: whatever the file held is gone, so the header is written after this returns.
    /// </summary>
    public void MigrateToFile(string path, long offset) =>
        Execute("migrate", w => w.WriteString("uri", string.Create(CultureInfo.InvariantCulture, $"file:{path}{FileOffsetOption}{offset}")));

    /// <summary>The version of the QEMU running the domain (QMP <c>query-version</c>): the binary that will open the file.</summary>
    public Version QueryVersion()
    {
        var qemu = Execute("query-version", null).GetProperty("qemu");
        return new Version(qemu.GetProperty("major").GetInt32(), qemu.GetProperty("minor").GetInt32(), qemu.GetProperty("micro").GetInt32());
    }

    /// <summary>Whether libvirt runs a job on the domain.</summary>
    public bool HasJob() => qemu.HasJob();

    /// <summary>Puts the disks on their overlays (libvirt's disk-only snapshot, inside the pause).</summary>
    public void SwitchDisks(string snapshotXml, Snapshot.Interop.SnapshotCreateFlags flags) => qemu.SwitchDisks(snapshotXml, flags);

    /// <summary>The host thread id of QEMU's first vCPU (QMP <c>query-cpus-fast</c>), null when QEMU reports none.</summary>
    public int? QueryVcpuThread()
    {
        var cpus = Execute("query-cpus-fast", null);
        if (cpus.ValueKind != JsonValueKind.Array)
            return null;
        foreach (var cpu in cpus.EnumerateArray())
            if (cpu.TryGetProperty("thread-id", out var id) && id.TryGetInt32(out var tid))
                return tid;
        return null;
    }

    /// <summary>Whether QEMU's vCPUs run (QMP <c>query-status</c>), which libvirt's state reports only after the event.</summary>
    public bool QueryRunning() => Execute("query-status", null).TryGetProperty("running", out var r) && r.GetBoolean();

    private JsonElement Execute(string command, Action<Utf8JsonWriter>? arguments) =>
        Unwrap(command, qemu.Command(Build(command, arguments)));

    internal static string Build(string command, Action<Utf8JsonWriter>? arguments)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("execute", command);
            if (arguments is not null)
            {
                w.WriteStartObject("arguments");
                arguments(w);
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    internal static JsonElement Unwrap(string command, string reply)
    {
        using var doc = JsonDocument.Parse(string.IsNullOrEmpty(reply) ? "{}" : reply);
        var root = doc.RootElement;
        if (root.TryGetProperty("error", out var error))
        {
            var cls = error.TryGetProperty("class", out var c) ? c.GetString() ?? "" : "";
            var desc = error.TryGetProperty("desc", out var d) ? d.GetString() ?? "" : reply;
            throw new QemuCommandException(command, cls, desc);
        }
        return root.TryGetProperty("return", out var ret) ? ret.Clone() : default;
    }

    internal static string Describe(long bytes) => bytes switch
    {
        >= 1 << 30 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1 << 30):0.0} GiB"),
        >= 1 << 20 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1 << 20):0.0} MiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes} B"),
    };
}
