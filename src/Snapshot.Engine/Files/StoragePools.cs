using System.Xml.Linq;
using Snapshot.Interop;

namespace Snapshot.Engine;

/// <summary>
/// The storage pool over one of the hypervisor's directories for the length of one call: the active pool whose
/// target it is (refreshed, since files change behind libvirt), or else a transient <c>dir</c> pool started on it and
/// destroyed afterwards, so that no pool is ever left behind (a transient pool is gone once destroyed, and with the
/// daemon). Never a persistent pool.
/// </summary>
internal static class StoragePools
{
    // One call at a time per directory in this process: a call that found another's transient pool would otherwise
    // work in it while its maker destroys it (the instant path makes its overlays beside its other steps).
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, object> s_directories = new(StringComparer.Ordinal);

    /// <summary>Runs <paramref name="action"/> with the pool over <paramref name="directory"/>, or with null when the directory does not exist.</summary>
    public static T In<T>(LibvirtConnection connection, string directory, Func<LibvirtStoragePool?, T> action)
    {
        lock (s_directories.GetOrAdd(directory, _ => new object()))
            return InAlone(connection, directory, action);
    }

    private static T InAlone<T>(LibvirtConnection connection, string directory, Func<LibvirtStoragePool?, T> action)
    {
        // Two processes may race for one directory: the loser of a pool's creation finds the winner's pool.
        for (var attempt = 0; ; attempt++)
        {
            if (Existing(connection, directory) is { } pool)
            {
                using (pool)
                    return action(pool);
            }

            LibvirtStoragePool transient;
            try
            {
                transient = connection.CreateTransientStoragePool(PoolXml(directory));
            }
            catch (LibvirtException e) when (IsMissingDirectory(e))
            {
                return action(null);
            }
            catch (LibvirtException e) when (e.Code == LibvirtErrorCode.OperationFailed && attempt < 3)
            {
                continue;
            }

            using (transient)
            {
                try
                {
                    return action(transient);
                }
                finally
                {
                    transient.Destroy();
                }
            }
        }
    }

    private static LibvirtStoragePool? Existing(LibvirtConnection connection, string directory)
    {
        LibvirtStoragePool pool;
        try
        {
            pool = connection.LookupStoragePoolByTargetPath(directory);
        }
        catch (StoragePoolNotFoundException)
        {
            return null;
        }

        try
        {
            pool.Refresh();
            return pool;
        }
        catch (LibvirtException) when (!pool.IsPersistent)
        {
            // Another call's transient pool, destroyed between the lookup and the refresh.
            pool.Dispose();
            return null;
        }
        catch
        {
            pool.Dispose();
            throw;
        }
    }

    // libvirt's dir backend reports a missing target as a system error naming errno's text.
    private static bool IsMissingDirectory(LibvirtException e) =>
        e.Code == LibvirtErrorCode.SystemError && (e.Message.Contains("No such file or directory", StringComparison.Ordinal) || e.Message.Contains("Not a directory", StringComparison.Ordinal));

    private static string PoolXml(string directory) =>
        new XElement("pool", new XAttribute("type", "dir"),
            new XElement("name", "virt-snap-" + Guid.NewGuid().ToString("N")),
            new XElement("target", new XElement("path", directory))).ToString(SaveOptions.DisableFormatting);
}
