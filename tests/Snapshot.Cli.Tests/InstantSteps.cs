namespace Snapshot.Cli.Tests;

/// <summary>
/// The instant create's disk switch has one step name per QEMU: before migrate on QEMU 7.2 (which restarts the
/// guest itself once its write tracking is on), after it on QEMU 8.2 and later (which leave a paused guest paused).
/// </summary>
internal static class InstantSteps
{
    private static readonly Version KeepsGuestPausedSince = new(8, 2);

    public static bool SwitchesDisksAfterMigrate(TestGuest.TestGuest guest) => guest.Connection.HypervisorVersion >= KeepsGuestPausedSince;

    public static string SwitchDisks(TestGuest.TestGuest guest) =>
        SwitchesDisksAfterMigrate(guest) ? "switch-disks-after-migrate" : "switch-disks";
}
