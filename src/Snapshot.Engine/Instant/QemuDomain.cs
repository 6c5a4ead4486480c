using Microsoft.Win32.SafeHandles;
using Snapshot.Interop;

namespace Snapshot.Engine;

/// <summary>
/// What an instant snapshot asks of a domain's QEMU: monitor commands (QMP, as JSON text), and the two libvirt
/// calls only the QEMU driver answers (the job query and the disk-only snapshot without metadata). Behind an
/// interface so that unit tests can fake QEMU's replies (refusals, a "failed" status, a stall) over libvirt's
/// test driver.
/// </summary>
internal interface IQemuDomain
{
    /// <summary>Sends one QMP command; returns QEMU's reply, errors included (<c>{"error":...}</c>).</summary>
    string Command(string command);

    /// <summary>Sends one QMP command with <paramref name="file"/> passed along (for <c>getfd</c>).</summary>
    string CommandWithFile(string command, SafeFileHandle file);

    /// <summary>Whether libvirt runs a job on the domain (a save, a migration, a dump).</summary>
    bool HasJob();

    /// <summary>Takes the disk-only snapshot that puts the disks on their overlays.</summary>
    void SwitchDisks(string snapshotXml, SnapshotCreateFlags flags);
}

/// <summary>The real one: libvirt's QEMU monitor pass-through and its calls.</summary>
internal sealed class LibvirtQemuDomain(LibvirtDomain domain) : IQemuDomain
{
    public string Command(string command) => domain.QemuMonitorCommand(command);

    public string CommandWithFile(string command, SafeFileHandle file)
    {
        var reply = domain.QemuMonitorCommandWithFiles(command, [file], out var returned);
        foreach (var r in returned)
            r.Dispose();
        return reply;
    }

    public bool HasJob() => domain.GetJobInfo().Type is DomainJobType.Bounded or DomainJobType.Unbounded;

    public void SwitchDisks(string snapshotXml, SnapshotCreateFlags flags) => domain.CreateSnapshot(snapshotXml, flags).Dispose();
}
