using Snapshot.Interop;

namespace Snapshot.Engine;

/// <summary>The instant snapshot's last step: the guest's RAM back on huge pages (<see cref="HugePageCollapse"/>).</summary>
internal sealed partial class InstantSnapshot
{
    /// <summary>
    /// Default on: without it every instant snapshot after a QEMU's first pauses the guest longer, in proportion
    /// to its RAM. Anything that goes wrong is logged and skipped; the snapshot is complete by now.
    /// </summary>
    private void CollapseHugePages(CancellationToken ct)
    {
        string outcome;
        try
        {
            // A remote domain's QEMU is the hypervisor's process, even when a loopback test finds it on this host.
            outcome = context.Files.IsRemote
                ? "collapse: skipped, the connection is remote (QEMU runs on the hypervisor)"
                : _qemu.QueryVcpuThread() is { } thread && HugePageCollapse.Run(thread, _domain, ct) is { } result
                ? result.ToString()
                : "collapse: skipped, QEMU is not a process of this host";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or QemuCommandException or LibvirtException)
        {
            outcome = "collapse: skipped, " + e.Message;
        }
        Log.InstantStep(context.Logger, _domain, Name, outcome);
    }
}
