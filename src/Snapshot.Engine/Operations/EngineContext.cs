using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using Snapshot.Interop;

namespace Snapshot.Engine;

/// <summary>
/// What every operation works with: the connection, the loggers, the event hub, the fault seam and the
/// way to reach a domain's QEMU, plus the lookups they share. Built once by <see cref="SnapshotEngine"/>.
/// </summary>
internal sealed class EngineContext
{
    private readonly EngineSeams seams;

    public EngineContext(LibvirtConnection connection, ILoggerFactory loggerFactory, EngineSeams seams)
    {
        this.seams = seams;
        Connection = connection;
        LoggerFactory = loggerFactory;
        Logger = loggerFactory.CreateLogger<SnapshotEngine>();
        Callbacks = new UserCallbacks(Logger);
        Events = new EventHub(Callbacks);
        Steps = seams.Steps;
    }

    public LibvirtConnection Connection { get; }

    public ILoggerFactory LoggerFactory { get; }

    public ILogger Logger { get; }

    /// <summary>Calls the caller's code (handlers, the snapshot-point callback) so that what it throws is logged, not thrown.</summary>
    public UserCallbacks Callbacks { get; }

    public EventHub Events { get; }

    public IStepHook Steps { get; }

    public IQemuDomain Qemu(LibvirtDomain domain) => seams.Qemu(domain);

    /// <summary>Whether instant snapshots let QEMU open the memory file even where a pipe could be passed (tests of that path).</summary>
    public bool QemuOpensMemoryFile => seams.QemuOpensMemoryFile;

    private IHypervisorFiles? _files;

    /// <summary>The domains' files: this machine's for a local connection, the hypervisor's through libvirt for a remote one.</summary>
    public IHypervisorFiles Files => _files ??= HypervisorFiles.For(Connection);

    /// <summary>The group records of this connection.</summary>
    public GroupStore Groups() => new(Connection.Uri, seams.GroupDirectory);

    /// <summary>The journals' directory.</summary>
    public JournalStore Journals => seams.Journals;

    public string QemuLogDirectory => seams.QemuLogDirectory;

    private readonly AsyncLocal<OperationJournal?> _journal = new();

    /// <summary>
    /// The journal of the changing call running on this flow (set by the call that holds the domain's lock), which
    /// the runs it starts write to; null in reads.
    /// </summary>
    public OperationJournal? Journal
    {
        get => _journal.Value;
        set => _journal.Value = value;
    }

    private readonly AsyncLocal<CallTimeline?> _timeline = new();

    /// <summary>The timeline of the changing call running on this flow (from the moment it reached the engine); null in reads.</summary>
    public CallTimeline? Timeline
    {
        get => _timeline.Value;
        set => _timeline.Value = value;
    }

    /// <summary>A run of <paramref name="sequence"/>, journaled to <paramref name="journal"/> (null: the changing call's <see cref="Journal"/>).</summary>
    public OperationRun StartRun(StepSequence sequence, string domain, OperationJournal? journal = null) => new(sequence, Steps, Logger, domain, journal ?? Journal);

    /// <summary>The domain <paramref name="domain"/> names: exactly by name, UUID or ID, or as virsh's operand (<see cref="ResolveOperand"/>).</summary>
    /// <exception cref="DomainNotFoundException">No such domain.</exception>
    public LibvirtDomain Resolve(DomainRef domain) => domain.Kind switch
    {
        DomainRefKind.Name => Connection.LookupDomain(domain.Text),
        DomainRefKind.Uuid => Connection.LookupDomain(Guid.Parse(domain.Text)),
        DomainRefKind.Id => Connection.LookupDomain(int.Parse(domain.Text, CultureInfo.InvariantCulture)),
        _ => ResolveOperand(domain.Text),
    };

    /// <summary>
    /// The domain named by <paramref name="domain"/> as virsh's "domain name, id or uuid" finds it, in
    /// virsh's order: as an ID when it reads as a non-negative int (C's strtol: leading blanks and a sign
    /// allowed, nothing after), then as a UUID when it is 36 bytes long (libvirt parses it), then as a
    /// name. A domain may be named "1" or like a UUID, so each miss falls through to the next try.
    /// </summary>
    /// <exception cref="DomainNotFoundException">No try found it; the message is virsh's <c>failed to get domain 'X'</c>.</exception>
    private LibvirtDomain ResolveOperand(string domain)
    {
        ArgumentException.ThrowIfNullOrEmpty(domain);
        if (int.TryParse(domain, NumberStyles.AllowLeadingWhite | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var id) && id >= 0)
        {
            try
            {
                return Connection.LookupDomain(id);
            }
            catch (DomainNotFoundException)
            {
            }
        }

        if (Encoding.UTF8.GetByteCount(domain) == UuidStringLength)
        {
            try
            {
                return Connection.LookupDomainByUuidString(domain);
            }
            catch (LibvirtException e) when (e is DomainNotFoundException || e.Code == LibvirtErrorCode.InvalidArg)
            {
            }
        }

        try
        {
            return Connection.LookupDomain(domain);
        }
        catch (DomainNotFoundException e)
        {
            // libvirt's message names only the last try (the test driver's says only "Domain not found").
            throw new DomainNotFoundException($"failed to get domain '{domain}'", e.Code, e.ErrorDomain, e.Level);
        }
    }

    // VIR_UUID_STRING_BUFLEN - 1: virsh tries a UUID only at exactly this length.
    private const int UuidStringLength = 36;

    public static LibvirtDomainSnapshot Lookup(LibvirtDomain domain, string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return domain.LookupSnapshot(name);
    }

    public static LibvirtDomainSnapshot CurrentOrThrow(LibvirtDomain dom) =>
        dom.HasCurrentSnapshot
            ? dom.GetCurrentSnapshot()
            : throw new SnapshotException(SnapshotErrorKind.NotFound, $"domain '{dom.Name}' has no current snapshot");

    public static SnapshotInfo Describe(LibvirtDomainSnapshot snapshot) =>
        SnapshotXmlReader.Parse(snapshot.Domain.Name, snapshot.GetXmlDesc(), snapshot.IsCurrent);
}

/// <summary>
/// The engine's seams, chosen when it is built: the fault hook around every step, the way to reach a
/// domain's QEMU and where journals go. Production uses <see cref="Default"/> (whose hook is the test-only kill
/// switch when <see cref="KillSwitch.Variable"/> is set); unit tests pass a failing hook, a fake QEMU, their own directory.
/// </summary>
internal sealed record EngineSeams(IStepHook Steps, Func<LibvirtDomain, IQemuDomain> Qemu, JournalStore Journals)
{
    /// <summary>Where group records are kept; null: the host's state directory (a test's own directory otherwise).</summary>
    public string? GroupDirectory { get; init; }

    /// <summary>
    /// Instant snapshots let QEMU open the memory file (<c>file:</c> URI), as over a connection that cannot pass
    /// descriptors, on a local one too: so that tests run that path beside the pipe's.
    /// </summary>
    public bool QemuOpensMemoryFile { get; init; }

    /// <summary>Where libvirt keeps each domain's QEMU log (its stderr): read for QEMU's own words on a failure the monitor gives no reason for.</summary>
    public string QemuLogDirectory { get; init; } = "/var/log/libvirt/qemu";

    public EngineSeams(IStepHook steps, Func<LibvirtDomain, IQemuDomain> qemu)
        : this(steps, qemu, JournalStore.Default)
    {
    }

    public static readonly EngineSeams Default = new(KillSwitch.FromEnvironment() ?? (IStepHook)NoStepHook.Instance, d => new LibvirtQemuDomain(d));
}
