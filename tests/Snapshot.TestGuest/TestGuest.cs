using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
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

    /// <summary>What <see cref="ReadDiskSequence"/> answers when the block holds no sequence number.</summary>
    public const long NoSequence = -1;

    /// <summary>Size of the sequence block at offset 0 of the disk.</summary>
    public const int SequenceBlockSize = 4096;

    /// <summary>The sequence block's first 8 bytes.</summary>
    public static ReadOnlySpan<byte> SequenceMagic => "VSNAPSEQ"u8;

    private const string OwnerFileName = "owner-pid-starttime";
    private static readonly Lock SweepLock = new();
    private static readonly HashSet<string> s_swept = new(StringComparer.Ordinal);

    private readonly SerialLog _log;
    private readonly Guid _uuid = Guid.NewGuid();
    private int _disposed;

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

    /// <summary>The kernel command line the guest boots with.</summary>
    public string KernelCommandLine => string.Create(CultureInfo.InvariantCulture,
        $"console=ttyS0 loglevel=4 vsnap.fill={Options.FillMiB} vsnap.rate={Options.RewriteMiBPerSecond} vsnap.tick={Options.TickMilliseconds} vsnap.seed={Options.Seed}");

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

    /// <summary>
    /// Reads the sequence block from the host side (qemu-img dd -U: works on images in use, so pause or stop the
    /// domain first for a meaningful answer). <paramref name="imagePath"/> defaults to the top of the domain's
    /// active disk chain. Answers <see cref="NoSequence"/> when the block holds no valid sequence number.
    /// </summary>
    public long ReadDiskSequence(string? imagePath = null)
    {
        string? format = null;
        if (imagePath is null)
            (imagePath, format) = ActiveDisk();
        var output = System.IO.Path.Combine(Directory, $".seqblock-{Guid.NewGuid():N}.raw");
        try
        {
            var arguments = new List<string> { "dd", "-U" };
            if (format is not null)
                arguments.AddRange(["-f", format]);
            arguments.AddRange(["-O", "raw", "bs=4096", "count=1", $"if={imagePath}", $"of={output}"]);
            // A remote guest's chain names the hypervisor's paths: its qemu-img reads them, inside the root.
            if (Options.HostRoot is { } root)
                ProcessRunner.Run("chroot", [root, "qemu-img", .. arguments]);
            else
                ProcessRunner.Run("qemu-img", arguments);
            var block = File.ReadAllBytes(LocalPath(output));
            return ParseSequenceBlock(block);
        }
        finally
        {
            File.Delete(LocalPath(output));
        }
    }

    /// <summary>The sequence number held by a 4 KiB sequence block, or <see cref="NoSequence"/>.</summary>
    public static long ParseSequenceBlock(ReadOnlySpan<byte> block)
    {
        if (block.Length < 24 || !block[..8].SequenceEqual(SequenceMagic))
            return NoSequence;
        var seq = BinaryPrimitives.ReadUInt64LittleEndian(block[8..16]);
        var check = BinaryPrimitives.ReadUInt64LittleEndian(block[16..24]);
        return check == ~seq && seq <= long.MaxValue ? (long)seq : NoSequence;
    }

    /// <summary>The domain definition the fixture uses, with its disk on <paramref name="diskPath"/> (a qcow2).</summary>
    public string DomainXml(string diskPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(diskPath);
        var o = Options;
        var domain = new XElement("domain", new XAttribute("type", "qemu"),
            new XElement("name", DomainName),
            new XElement("uuid", _uuid.ToString("D")),
            new XElement("memory", new XAttribute("unit", "MiB"), o.MemoryMiB),
            new XElement("vcpu", o.VcpuCount),
            new XElement("os",
                new XElement("type", new XAttribute("arch", "x86_64"), new XAttribute("machine", "pc"), "hvm"),
                new XElement("kernel", KernelPath),
                new XElement("initrd", InitrdPath),
                new XElement("cmdline", KernelCommandLine)),
            new XElement("features", new XElement("acpi"), new XElement("apic")),
            new XElement("clock", new XAttribute("offset", "utc")),
            new XElement("on_poweroff", "destroy"),
            new XElement("on_reboot", "destroy"),
            new XElement("on_crash", "destroy"),
            new XElement("devices",
                new XElement("disk", new XAttribute("type", "file"), new XAttribute("device", "disk"),
                    new XElement("driver", new XAttribute("name", "qemu"), new XAttribute("type", "qcow2"), new XAttribute("cache", "none")),
                    new XElement("source", new XAttribute("file", diskPath)),
                    new XElement("target", new XAttribute("dev", "vda"), new XAttribute("bus", "virtio"))),
                new XElement("serial", new XAttribute("type", "file"),
                    new XElement("source", new XAttribute("path", SerialLogPath), new XAttribute("append", "on")),
                    new XElement("target", new XAttribute("port", "0"))),
                new XElement("controller", new XAttribute("type", "usb"), new XAttribute("model", "none")),
                new XElement("memballoon", new XAttribute("model", "none"))));
        return domain.ToString(SaveOptions.None);
    }

    /// <summary>
    /// Destroys the domain if running, deletes its snapshots' metadata, undefines it, deletes the directory.
    /// Never throws: what could not be cleaned is written to stderr.
    /// </summary>
    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return ValueTask.CompletedTask;
        try
        {
            RemoveDomain(Connection, DomainName);
        }
#pragma warning disable CA1031 // cleanup never throws
        catch (Exception e)
#pragma warning restore CA1031
        {
            Complain(DomainName, "could not remove the domain", e);
        }
        try
        {
            Domain?.Dispose();
            Connection.Dispose();
        }
#pragma warning disable CA1031 // cleanup never throws
        catch (Exception e)
#pragma warning restore CA1031
        {
            Complain(DomainName, "could not release the libvirt handles", e);
        }
        TryDeleteDirectory(LocalPath(Directory), DomainName);
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// Removes what crashed runs left behind: <c>virtsnap-*</c> directories under <see cref="RootDirectory"/>
    /// whose owning process is gone, with their domains, and (<paramref name="includeOrphanDomains"/>)
    /// <c>virtsnap-*</c> domains that have no directory there. Returns how many guests it removed.
    /// </summary>
    public static int CleanupLeftovers(string uri = "qemu:///system", bool includeOrphanDomains = true)
    {
        using var connection = LibvirtConnection.Open(uri);
        var otherStacks = new Lazy<List<LibvirtConnection>>(() => Stack.All.Where(s => s.Uri != uri).Select(TryOpen).OfType<LibvirtConnection>().ToList());
        try
        {
            return Cleanup(connection, otherStacks, includeOrphanDomains);
        }
        finally
        {
            if (otherStacks.IsValueCreated)
                otherStacks.Value.ForEach(c => c.Dispose());
        }
    }

    private static LibvirtConnection? TryOpen(Stack stack)
    {
        try
        {
            return LibvirtConnection.Open(stack.Uri);
        }
        catch (LibvirtException)
        {
            return null;
        }
    }

    private static int Cleanup(LibvirtConnection connection, Lazy<List<LibvirtConnection>> otherStacks, bool includeOrphanDomains)
    {
        var removed = 0;
        var names = new HashSet<string>(StringComparer.Ordinal);
        if (System.IO.Directory.Exists(RootDirectory))
        {
            foreach (var dir in System.IO.Directory.GetDirectories(RootDirectory, "virtsnap-*"))
            {
                var name = System.IO.Path.GetFileName(dir);
                names.Add(name);
                if (OwnerAlive(dir))
                    continue;
                // The guest may have run on either stack: its directory goes only after its domain, wherever it is.
                RemoveDomain(connection, name);
                foreach (var other in otherStacks.Value)
                    RemoveDomain(other, name);
                TryDeleteDirectory(dir, name);
                removed++;
            }
        }
        if (includeOrphanDomains)
        {
            foreach (var domain in connection.ListAllDomains())
            {
                using (domain)
                {
                    var name = domain.Name;
                    if (!name.StartsWith("virtsnap-", StringComparison.Ordinal) || names.Contains(name))
                        continue;
                    RemoveDomain(connection, name);
                    removed++;
                }
            }
        }
        return removed;
    }

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

    private (string Path, string? Format) ActiveDisk()
    {
        using var domain = Connection.LookupDomain(DomainName);
        var xml = XDocument.Parse(domain.GetXmlDesc());
        var disk = xml.Root?.Element("devices")?.Elements("disk").FirstOrDefault(d => (string?)d.Attribute("device") == "disk")
            ?? throw new InvalidOperationException($"{DomainName} has no disk");
        var source = (string?)disk.Element("source")?.Attribute("file")
            ?? throw new InvalidOperationException($"{DomainName}'s disk has no source file");
        var format = (string?)disk.Element("driver")?.Attribute("type");
        return (source, format);
    }

    private static void RemoveDomain(LibvirtConnection connection, string name)
    {
        LibvirtDomain domain;
        try
        {
            domain = connection.LookupDomain(name);
        }
        catch (DomainNotFoundException)
        {
            return;
        }
        catch (LibvirtException e)
        {
            Complain(name, "could not look the domain up", e);
            return;
        }
        using (domain)
        {
            try
            {
                if (domain.IsActive)
                    domain.Destroy();
            }
            catch (LibvirtException e)
            {
                Complain(name, "could not destroy the domain", e);
            }
            try
            {
                foreach (var snapshot in domain.ListAllSnapshots())
                {
                    using (snapshot)
                    {
                        try
                        {
                            snapshot.Delete(SnapshotDeleteFlags.MetadataOnly);
                        }
                        catch (LibvirtException e)
                        {
                            Complain(name, "could not delete snapshot metadata", e);
                        }
                    }
                }
            }
            catch (LibvirtException e)
            {
                Complain(name, "could not list snapshots", e);
            }
            try
            {
                if (domain.IsPersistent)
                    domain.Undefine(DomainUndefineFlags.SnapshotsMetadata | DomainUndefineFlags.ManagedSave | DomainUndefineFlags.CheckpointsMetadata);
            }
            catch (DomainNotFoundException)
            {
            }
            catch (LibvirtException e)
            {
                Complain(name, "could not undefine the domain", e);
            }
        }
    }

    private static string CreateGuestDirectory(string name, string? hostRoot)
    {
        if (hostRoot is not null)
            return CreateRemoteGuestDirectory(name, hostRoot);
        var root = System.IO.Directory.CreateDirectory(RootDirectory);
        const UnixFileMode traversable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
        if ((File.GetUnixFileMode(root.FullName) & (UnixFileMode.OtherExecute | UnixFileMode.OtherRead)) != (UnixFileMode.OtherExecute | UnixFileMode.OtherRead))
            File.SetUnixFileMode(root.FullName, traversable);
        var directory = System.IO.Path.Combine(RootDirectory, name);
        System.IO.Directory.CreateDirectory(directory, traversable);
        File.SetUnixFileMode(directory, traversable); // the umask may have narrowed it
        // Written whole under a temporary name, then renamed: a sweeper never reads half an owner file.
        var owner = System.IO.Path.Combine(directory, OwnerFileName);
        File.WriteAllText(owner + ".tmp", string.Create(CultureInfo.InvariantCulture, $"{Environment.ProcessId} {ProcessStartJiffies(Environment.ProcessId)}\n"));
        File.Move(owner + ".tmp", owner);
        return directory;
    }

    private static bool OwnerAlive(string directory)
    {
        var ownerFile = System.IO.Path.Combine(directory, OwnerFileName);
        string text;
        try
        {
            text = File.ReadAllText(ownerFile);
        }
        catch (IOException)
        {
            // Being created right now, or a crash before the owner file: spare young directories.
            return DateTime.UtcNow - System.IO.Directory.GetLastWriteTimeUtc(directory) < TimeSpan.FromMinutes(5);
        }
        var parts = text.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length != 2
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            return DateTime.UtcNow - System.IO.Directory.GetLastWriteTimeUtc(directory) < TimeSpan.FromMinutes(5);
        // The same pid with the same kernel start time is the same process (pids are reused).
        return ProcessStartJiffies(pid) is { } started && started == parts[1];
    }

    /// <summary>Field 22 of /proc/PID/stat: the process's start time in clock ticks since boot, exact and stable.</summary>
    private static string? ProcessStartJiffies(int pid)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
        // The command name (field 2) may hold spaces and parentheses: count fields after its last ')'.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return fields.Length > 19 ? fields[19] : null;
    }

    private static void SweepOnce(string uri)
    {
        lock (SweepLock)
        {
            if (!s_swept.Add(uri))
                return;
        }
        try
        {
            CleanupLeftovers(uri, includeOrphanDomains: false);
        }
#pragma warning disable CA1031 // a failed sweep must not fail the test that triggered it
        catch (Exception e)
#pragma warning restore CA1031
        {
            Complain("sweep", "could not remove leftovers of earlier runs", e);
        }
    }

    private static void TryDeleteDirectory(string directory, string name)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                if (System.IO.Directory.Exists(directory))
                    System.IO.Directory.Delete(directory, recursive: true);
                return;
            }
#pragma warning disable CA1031 // cleanup never throws
            catch (Exception e)
#pragma warning restore CA1031
            {
                if (attempt == 3)
                {
                    Complain(name, $"could not delete {directory}", e);
                    return;
                }
                Thread.Sleep(100);
            }
        }
    }

    private static string SanitizePurpose(string purpose)
    {
        var builder = new StringBuilder();
        foreach (var c in purpose.ToLowerInvariant())
            builder.Append(c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' ? c : '-');
        var text = builder.ToString().Trim('-');
        if (text.Length > 40)
            text = text[..40];
        return text.Length == 0 ? "guest" : text;
    }

    private static void Complain(string name, string what, Exception e) =>
        Console.Error.WriteLine($"TestGuest {name}: {what}: {e.GetType().Name}: {e.Message}");
}
