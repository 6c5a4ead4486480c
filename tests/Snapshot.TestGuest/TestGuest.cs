using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Snapshot.Interop;

namespace Snapshot.TestGuest;

/// <summary>
/// A tiny libvirt/QEMU (TCG) guest booted from native/.cache/guest (built by native/build-guest.sh).
/// Its workload fills memory and, every tick, checks then bumps a sequence number kept in the first
/// 4 KiB block of its disk, printing <c>seq=N</c> on the serial console (see native/guest/workload.c).
/// </summary>
public sealed partial class TestGuest : IAsyncDisposable
{
    /// <summary>Where every guest's directory lives; QEMU (user libvirt-qemu) must be able to traverse it.</summary>
    public const string RootDirectory = "/var/tmp/virtsnap-tests";

    private readonly SerialLog _log;
    private readonly Guid _uuid = Guid.NewGuid();

    private TestGuest(TestGuestOptions options, LibvirtConnection connection, string name, string directory, GuestFiles files)
    {
        Options = options;
        Connection = connection;
        DomainName = name;
        Directory = directory;
        DiskPath = System.IO.Path.Combine(directory, "disk.qcow2");
        SerialLogPath = System.IO.Path.Combine(directory, "serial.log");
        KernelPath = System.IO.Path.Combine(directory, "vmlinuz");
        InitrdPath = System.IO.Path.Combine(directory, "initramfs.cpio.gz");
        Files = files;
        _log = new SerialLog(LocalPath(SerialLogPath));
    }

    public TestGuestOptions Options { get; }
    public LibvirtConnection Connection { get; }
    public LibvirtDomain Domain { get; private set; } = null!;
    public string DomainName { get; }
    public Guid DomainUuid => _uuid;

    /// <summary>The directory holding the disk, serial log, kernel, initramfs and anything tests create.</summary>
    public string Directory { get; }

    /// <summary>The base qcow2 image.</summary>
    public string DiskPath { get; }
    public string SerialLogPath { get; }
    public string KernelPath { get; }
    public string InitrdPath { get; }
    public SerialLog Log => _log;

    /// <summary>
    /// The kernel command line the guest boots with: without the crypto self-tests (the longest initcall under TCG,
    /// by initcall_debug) and the CPU-bug mitigations, each of the ~150 boots of a test run is shorter.
    /// </summary>
    public string KernelCommandLine => string.Create(CultureInfo.InvariantCulture,
        $"console=ttyS0 loglevel=4 {FastBoot} vsnap.fill={Options.FillMiB} vsnap.rate={Options.RewriteMiBPerSecond} vsnap.tick={Options.TickMilliseconds} vsnap.seed={Options.Seed}");

    /// <summary>The kernel's arguments that shorten a TCG boot and change nothing the tests look at.</summary>
    private const string FastBoot = "mitigations=off cryptomgr.notests";

    private GuestFiles Files { get; }

    /// <summary>Defines (persistent) and starts the guest, then waits for its first <c>seq=</c> line.</summary>
    public static Task<TestGuest> StartAsync(TestGuestOptions? options = null, CancellationToken ct = default) =>
        CreateAsync(options, start: true, ct);

    /// <summary>Defines the guest (persistent, shut off) without starting it: for what needs a real QEMU domain but no boot.</summary>
    public static Task<TestGuest> DefineAsync(TestGuestOptions? options = null, CancellationToken ct = default) =>
        CreateAsync(options, start: false, ct);

    private static async Task<TestGuest> CreateAsync(TestGuestOptions? options, bool start, CancellationToken ct)
    {
        options ??= new TestGuestOptions();
        options.Validate();
        var files = GuestFiles.Locate();
        SweepOnce(options.Uri);

        var name = $"virtsnap-{SanitizePurpose(options.Purpose)}-{RandomNumberGenerator.GetHexString(8, lowercase: true)}";
        var directory = CreateGuestDirectory(name, options.HostRoot);

        LibvirtConnection connection;
        try
        {
            connection = LibvirtConnection.Open(options.Uri);
        }
        catch (LibvirtException e)
        {
            TryDeleteDirectory(LocalPath(options.HostRoot, directory), name);
            var hint = Stack.All.FirstOrDefault(s => s.Uri == options.Uri) is { Root: not null }
                ? " (the second stack: run native/setup-stack2.sh as root)"
                : " (run native/setup-host.sh as root)";
            throw new InvalidOperationException($"Cannot connect to {options.Uri}{hint}: {e.Message}", e);
        }
        catch
        {
            TryDeleteDirectory(LocalPath(options.HostRoot, directory), name);
            throw;
        }

        var guest = new TestGuest(options, connection, name, directory, files);
        try
        {
            File.Copy(files.Kernel, guest.LocalPath(guest.KernelPath));
            File.Copy(files.Initrd, guest.LocalPath(guest.InitrdPath));
            ProcessRunner.Run("qemu-img", ["create", "-q", "-f", "qcow2", guest.LocalPath(guest.DiskPath), $"{options.DiskMiB}M"]);
            guest.Domain = connection.DefineDomain(guest.DomainXml(guest.DiskPath));
            if (!start)
            {
                return guest;
            }

            var started = Stopwatch.StartNew();
            guest.Domain.Create();
            guest.BootTime = await guest.WaitForBootAsync(started, options.BootTimeout, ct);
            return guest;
        }
        catch
        {
            await guest.DisposeAsync();
            throw;
        }
    }

    /// <summary>From <c>Create()</c> to the first <c>seq=</c> line.</summary>
    public TimeSpan BootTime { get; private set; }

    private async Task<TimeSpan> WaitForBootAsync(Stopwatch started, TimeSpan timeout, CancellationToken ct)
    {
        var deadline = started.Elapsed + timeout;
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            if (_log.LinesAfter(new LogMark(-1)).Any(l => SerialLog.ParseSequence(l) is not null))
                return started.Elapsed;
            if (!Domain.IsActive)
                throw new InvalidOperationException($"Test guest {DomainName} stopped before printing seq=. Serial log:\n{_log.Text()}");
            if (started.Elapsed > deadline)
                throw new TimeoutException($"Test guest {DomainName} printed no seq= line within {timeout.TotalSeconds:0} s. Serial log:\n{_log.Text()}");
            await Task.Delay(50, ct);
        }
    }
}
