using System.Runtime.InteropServices;
using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace Snapshot.Interop;

/// <summary>A connection to a hypervisor (<c>virConnectPtr</c>). Safe to use from several threads at once.</summary>
public sealed unsafe partial class LibvirtConnection : IDisposable
{
    private LibvirtConnection(SafeConnectHandle handle)
    {
        Handle = handle;
    }

    internal SafeConnectHandle Handle { get; }

    /// <summary>Native lifecycle registrations by domain UUID (<see cref="Guid.Empty"/>: all domains); also their lock.</summary>
    internal Dictionary<Guid, LifecycleRegistration> LifecycleRegistrations { get; } = [];

    /// <summary>The libvirt library's version (<c>virGetVersion</c>).</summary>
    public static Version LibraryVersion
    {
        get
        {
            LibvirtError.Check(Interop.Libvirt.virGetVersion(out var version, null, out _), nameof(Interop.Libvirt.virGetVersion));
            return ToVersion(version);
        }
    }

    /// <summary>The canonical URI of this connection (<c>virConnectGetURI</c>).</summary>
    public string Uri => LibvirtError.CheckOwned(Interop.Libvirt.virConnectGetURI(Handle), nameof(Interop.Libvirt.virConnectGetURI));

    /// <summary>The hypervisor host's name (<c>virConnectGetHostname</c>).</summary>
    public string Hostname => LibvirtError.CheckOwned(Interop.Libvirt.virConnectGetHostname(Handle), nameof(Interop.Libvirt.virConnectGetHostname));

    /// <summary>The driver's name, e.g. "QEMU" or "TEST" (<c>virConnectGetType</c>).</summary>
    public string HypervisorType => LibvirtError.CheckBorrowed(Interop.Libvirt.virConnectGetType(Handle), nameof(Interop.Libvirt.virConnectGetType));

    /// <summary>The hypervisor's version, e.g. QEMU's; 0.0.0 when the driver has none (<c>virConnectGetVersion</c>).</summary>
    public Version HypervisorVersion
    {
        get
        {
            LibvirtError.Check(Interop.Libvirt.virConnectGetVersion(Handle, out var version), nameof(Interop.Libvirt.virConnectGetVersion));
            return ToVersion(version);
        }
    }

    /// <summary>The version of libvirt on the daemon side (<c>virConnectGetLibVersion</c>).</summary>
    public Version DaemonVersion
    {
        get
        {
            LibvirtError.Check(Interop.Libvirt.virConnectGetLibVersion(Handle, out var version), nameof(Interop.Libvirt.virConnectGetLibVersion));
            return ToVersion(version);
        }
    }

    /// <summary>Whether the connection is still usable (<c>virConnectIsAlive</c>).</summary>
    public bool IsAlive => LibvirtError.CheckBool(Interop.Libvirt.virConnectIsAlive(Handle), nameof(Interop.Libvirt.virConnectIsAlive));

    /// <summary>
    /// Loads libvirt and starts its event loop on a pool thread, so that an <see cref="Open"/> soon after finds them
    /// ready (loading libvirt and the libraries it links is most of a local connection's time). A failure is left to
    /// that <see cref="Open"/>, which meets it again and reports it.
    /// </summary>
    /// <returns>The load, for a process to wait on before it exits: an exit while libvirt initialises on the pool thread can crash the process.</returns>
    public static Task LoadInBackground() => Task.Run(static () =>
    {
        try
        {
            LibvirtEventLoop.EnsureStarted();
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or TypeInitializationException or LibvirtException)
        {
        }
    });

    /// <summary>
    /// Opens a connection; <see cref="ConnectFlags.ReadOnly"/> alone uses <c>virConnectOpenReadOnly</c>, other flags
    /// <c>virConnectOpenAuth</c>. The event loop is registered and started first.
    /// </summary>
    public static LibvirtConnection Open(string? uri, ConnectFlags flags = ConnectFlags.None)
    {
        LibvirtEventLoop.EnsureStarted();
        var handle = flags switch
        {
            ConnectFlags.None => Interop.Libvirt.virConnectOpen(uri),
            ConnectFlags.ReadOnly => Interop.Libvirt.virConnectOpenReadOnly(uri),
            _ => Interop.Libvirt.virConnectOpenAuth(uri, null, (uint)flags),
        };
        LibvirtError.Check(handle, nameof(Interop.Libvirt.virConnectOpen));

        // Remote connections need keepalives (sent from the event loop); local drivers answer "unsupported".
        if (Interop.Libvirt.virConnectSetKeepAlive(handle, 5, 3) < 0)
        {
            Interop.Libvirt.virResetLastError();
        }

        return new LibvirtConnection(handle);
    }

    /// <summary>The host's capabilities XML (<c>virConnectGetCapabilities</c>).</summary>
    public string GetCapabilities() =>
        LibvirtError.CheckOwned(Interop.Libvirt.virConnectGetCapabilities(Handle), nameof(Interop.Libvirt.virConnectGetCapabilities));

    /// <exception cref="DomainNotFoundException">No domain has this name.</exception>
    public LibvirtDomain LookupDomain(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var handle = LibvirtError.Check(Interop.Libvirt.virDomainLookupByName(Handle, name), nameof(Interop.Libvirt.virDomainLookupByName));
        return new LibvirtDomain(this, handle);
    }

    /// <exception cref="DomainNotFoundException">No domain has this UUID.</exception>
    public LibvirtDomain LookupDomain(Guid uuid)
    {
        var bytes = stackalloc byte[16];
        uuid.TryWriteBytes(new Span<byte>(bytes, 16), bigEndian: true, out _);
        var handle = LibvirtError.Check(Interop.Libvirt.virDomainLookupByUUID(Handle, bytes), nameof(Interop.Libvirt.virDomainLookupByUUID));
        return new LibvirtDomain(this, handle);
    }

    /// <summary>
    /// The domain with a UUID in libvirt's text form (<c>virDomainLookupByUUIDString</c>), parsed by libvirt
    /// itself, which is more lenient than <see cref="Guid"/>: hyphens or spaces between any two hex digits,
    /// blanks around.
    /// </summary>
    /// <exception cref="DomainNotFoundException">No domain has this UUID.</exception>
    /// <exception cref="LibvirtException">Not a UUID (<see cref="LibvirtErrorCode.InvalidArg"/>).</exception>
    public LibvirtDomain LookupDomainByUuidString(string uuid)
    {
        ArgumentNullException.ThrowIfNull(uuid);
        var handle = LibvirtError.Check(Interop.Libvirt.virDomainLookupByUUIDString(Handle, uuid), nameof(Interop.Libvirt.virDomainLookupByUUIDString));
        return new LibvirtDomain(this, handle);
    }

    /// <summary>The running domain with this ID (<c>virDomainLookupByID</c>); inactive domains have none.</summary>
    /// <exception cref="DomainNotFoundException">No running domain has this ID.</exception>
    public LibvirtDomain LookupDomain(int id)
    {
        var handle = LibvirtError.Check(Interop.Libvirt.virDomainLookupByID(Handle, id), nameof(Interop.Libvirt.virDomainLookupByID));
        return new LibvirtDomain(this, handle);
    }

    /// <summary>The domains that pass <paramref name="flags"/>, all of them with none (<c>virConnectListAllDomains</c>). Dispose each.</summary>
    public IReadOnlyList<LibvirtDomain> ListAllDomains(ListDomainsFlags flags = 0)
    {
        var count = LibvirtError.Check(Interop.Libvirt.virConnectListAllDomains(Handle, out var domains, (uint)flags), nameof(Interop.Libvirt.virConnectListAllDomains));
        var result = new LibvirtDomain[count];
        try
        {
            for (var i = 0; i < count; i++)
            {
                result[i] = new LibvirtDomain(this, new SafeDomainHandle(domains[i]));
            }
        }
        finally
        {
            Interop.Libc.Free(domains);
        }

        return result;
    }

    /// <summary>Defines (or redefines) a persistent domain (<c>virDomainDefineXMLFlags</c>).</summary>
    public LibvirtDomain DefineDomain(string xml, DomainDefineFlags flags = 0)
    {
        ArgumentNullException.ThrowIfNull(xml);
        var handle = LibvirtError.Check(Interop.Libvirt.virDomainDefineXMLFlags(Handle, xml, (uint)flags), nameof(Interop.Libvirt.virDomainDefineXMLFlags));
        return new LibvirtDomain(this, handle);
    }

    /// <summary>Restores a domain saved with <see cref="LibvirtDomain.Save"/> (<c>virDomainRestoreFlags</c>).</summary>
    public void RestoreDomain(string path, string? xml = null, DomainSaveRestoreFlags flags = 0)
    {
        ArgumentNullException.ThrowIfNull(path);
        LibvirtError.Check(Interop.Libvirt.virDomainRestoreFlags(Handle, path, xml, (uint)flags), nameof(Interop.Libvirt.virDomainRestoreFlags));
    }

    /// <summary>The domain XML embedded in a save image (<c>virDomainSaveImageGetXMLDesc</c>).</summary>
    public string GetSaveImageXml(string path, DomainXmlFlags flags = 0)
    {
        ArgumentNullException.ThrowIfNull(path);
        return LibvirtError.CheckOwned(Interop.Libvirt.virDomainSaveImageGetXMLDesc(Handle, path, (uint)flags), nameof(Interop.Libvirt.virDomainSaveImageGetXMLDesc));
    }

    /// <summary>
    /// Calls <paramref name="handler"/> on the event-loop thread for each lifecycle event of <paramref name="domain"/>
    /// (or of every domain when null) until the returned object is disposed. Keep handlers short: they block the loop.
    /// The subscription keeps the connection open until it is disposed.
    /// </summary>
    public IDisposable SubscribeLifecycle(LibvirtDomain? domain, Action<DomainLifecycleEvent> handler) =>
        LifecycleRegistration.Subscribe(this, domain, handler);

    /// <summary>Lifecycle events as an async stream; the registration lives as long as the enumeration.</summary>
    public async IAsyncEnumerable<DomainLifecycleEvent> WatchLifecycleAsync(LibvirtDomain? domain, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var channel = Channel.CreateUnbounded<DomainLifecycleEvent>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        using var subscription = SubscribeLifecycle(domain, e => channel.Writer.TryWrite(e));
        while (await channel.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            while (channel.Reader.TryRead(out var e))
            {
                yield return e;
            }
        }
    }

    /// <summary>Closes the connection once no domain or snapshot object uses it any more.</summary>
    public void Dispose() => Handle.Dispose();

    internal static Version ToVersion(CULong packed)
    {
        var value = packed.Value;
        return new Version((int)(value / 1_000_000), (int)(value / 1000 % 1000), (int)(value % 1000));
    }
}
