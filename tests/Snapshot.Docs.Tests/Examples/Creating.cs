using Snapshot.Engine;

namespace Snapshot.Docs.Tests.Examples;

public static class Creating
{
    // begin-snippet: create-classic
    public static async Task<SnapshotInfo> TakeClassicSnapshotAsync(SnapshotEngine engine, string domain)
    {
        var options = new SnapshotCreateOptions
        {
            Name = "before-upgrade",
            Description = "taken by the deploy job",
            // No Memory, no Disks: libvirt's defaults (internal; with memory if the domain runs).
        };
        // Reported every 250 ms while libvirt saves the memory (not at all for a quick snapshot).
        var progress = new Progress<SnapshotProgress>(p => Console.WriteLine($"{p.Phase}: {p.BytesDone} of {p.BytesTotal} bytes"));
        var snapshot = await engine.Domain(domain).CreateAsync(options, progress);
        Console.WriteLine($"created {snapshot.Name}: {snapshot.State}, {snapshot.Location}, current: {snapshot.IsCurrent}");
        return snapshot;
    }
    // end-snippet

    // begin-snippet: create-disk-only
    public static Task<SnapshotInfo> TakeDiskOnlySnapshotAsync(SnapshotEngine engine, string domain) =>
        // External, disks only: vda goes on a new overlay, vdb is left out. The same request as
        // virt-snap snapshot-create-as DOMAIN nightly --disk-only --atomic
        //   --diskspec vda,file=/var/lib/libvirt/images/web1.nightly --diskspec vdb,snapshot=no
        engine.Domain(domain).CreateAsync(new SnapshotCreateOptions
        {
            Name = "nightly",
            Disks =
            [
                DiskSpec.Parse("vda,file=/var/lib/libvirt/images/web1.nightly"),
                DiskSpec.Excluded("vdb"),
            ],
            Modifiers = new SnapshotCreateModifiers { DiskOnly = true, Atomic = true },
        });
    // end-snippet

    // begin-snippet: print-xml
    public static void PrintRequestXml()
    {
        // What would be sent to libvirt (virt-snap snapshot-create-as --print-xml); no connection needed.
        Console.Write(SnapshotEngine.BuildXml(new SnapshotCreateOptions
        {
            Name = "nightly",
            Memory = MemorySpec.Parse("/var/lib/libvirt/images/web1.nightly.mem"),
        }));
    }
    // end-snippet

    // begin-snippet: create-instant
    public static async Task<SnapshotInfo> TakeInstantSnapshotAsync(SnapshotEngine engine, string domain, CancellationToken cancellationToken)
    {
        var options = new SnapshotCreateOptions
        {
            Name = "pre-migration",
            // An instant snapshot is external with memory: the memory file is a new absolute path.
            Memory = MemorySpec.External("/var/lib/libvirt/images/web1.pre-migration.mem"),
            // The disks go on overlays named like libvirt's (web1.qcow2 -> web1.pre-migration) unless
            // Disks says otherwise.
            Modifiers = new SnapshotCreateModifiers { Instant = true },
        };

        var progress = new Progress<SnapshotProgress>(p =>
            Console.WriteLine($"memory: {p.BytesDone >> 20} of {p.BytesTotal >> 20} MiB"));

        return await engine.Domain(domain).CreateAsync(options with
        {
            // Called once the guest runs again, milliseconds after the request and long before the
            // memory is written: from here on, the guest may change; the snapshot will not.
            OnSnapshotPoint = point =>
                Console.WriteLine($"snapshot point {point.TakenAt:HH:mm:ss.fff}, guest paused {point.GuestPause.TotalMilliseconds:0} ms"),
        }, progress, cancellationToken);
    }
    // end-snippet
}
