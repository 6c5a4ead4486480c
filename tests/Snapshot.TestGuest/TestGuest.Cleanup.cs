using Snapshot.Interop;

namespace Snapshot.TestGuest;

/// <summary>Clean-up: this guest's on dispose, and what crashed runs left behind, once per URI per process.</summary>
public sealed partial class TestGuest
{
    private static readonly Lock SweepLock = new();
    private static readonly HashSet<string> s_swept = new(StringComparer.Ordinal);
    private int _disposed;

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

    private static void Complain(string name, string what, Exception e) =>
        Console.Error.WriteLine($"TestGuest {name}: {what}: {e.GetType().Name}: {e.Message}");
}
