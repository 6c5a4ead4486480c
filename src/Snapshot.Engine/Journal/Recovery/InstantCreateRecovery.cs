using System.Diagnostics;
using Snapshot.Interop;

namespace Snapshot.Engine;

/// <summary>
/// An instant snapshot whose process died. Forward when the snapshot was registered, or when the memory file is
/// complete (its magic) and the journal holds what registering needs; else back. Either way QEMU is first let
/// finish (its writer is gone, so the migration fails at once; one still running after a minute is cancelled),
/// the guest resumed if it is paused, the migration settings put back. Back: the partial memory file and the
/// overlays nothing uses are deleted; disks already switched stay on their overlays (a valid chain: switching
/// back would drop what the guest wrote since), as the in-process rollback leaves them. A group member's is settled
/// with its group (<see cref="GroupCreateRecovery"/>).
/// </summary>
internal sealed class InstantCreateRecovery : IOperationRecovery
{
    private static readonly TimeSpan MigrationEndWait = TimeSpan.FromMinutes(1);

    public string Operation => InstantSnapshot.Sequence.Operation;

    public async Task<RecoveryOutcome> RecoverAsync(RecoveryContext r, CancellationToken cancellationToken)
    {
        if (r.Record.Fact(GroupCreateRecovery.Member) is { } member)
            return await GroupCreateRecovery.RecoverAsync(r, member, cancellationToken).ConfigureAwait(false);
        return await RecoverOneAsync(r, mayRollForward: true, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// One domain's instant create. <paramref name="mayRollForward"/> false (a group that did not register every
    /// member): back even from a complete memory file, and a snapshot this run registered is dropped from libvirt's metadata.
    /// </summary>
    public static async Task<RecoveryOutcome> RecoverOneAsync(RecoveryContext r, bool mayRollForward, CancellationToken cancellationToken)
    {
        var record = r.Record;
        var qemu = new QemuMigration(r.Engine.Qemu(r.Domain));
        if (r.Domain.IsActive)
        {
            // A migrate inside the pause is not journaled (the journal is held there): from the overlays on, QEMU says.
            if (record.Started("hand-pipe-to-qemu") || record.Started("create-overlays"))
                await EndMigrationAsync(r, qemu, cancellationToken).ConfigureAwait(false);
            if (record.Fact(JournalFacts.QemuFd)?["name"] is { } fd && !record.Started("start-background-snapshot"))
                Try(r, "closing the descriptor handed to QEMU", () => qemu.CloseFd(fd));
            // The preflight refused a paused guest and the lock kept everyone else out: paused now means paused by the run.
            if (record.Started("create-overlays") && r.State == DomainState.Paused)
            {
                r.Domain.Resume();
                r.Done.Add("the guest was resumed");
            }
            RestoreSettings(r, qemu);
        }
        else
        {
            r.Left.Add("the domain is not running (QEMU's migration settings went with its process)");
        }

        var definition = record.Fact(JournalFacts.SnapshotDefinition);
        var name = definition?["name"];
        var (memory, magic) = MemoryFile(r);
        var complete = magic == SaveImageHeader.CompleteMagic;
        // The name was free at the preflight, under the lock: a snapshot of that name now is this run's.
        if (name is not null && r.HasSnapshot(name))
        {
            if (mayRollForward)
            {
                r.Done.Add($"the snapshot '{name}' was registered already");
                return RecoveryOutcome.RolledForward;
            }
            using (var snapshot = r.Domain.LookupSnapshot(name))
                snapshot.Delete(SnapshotDeleteFlags.MetadataOnly);
            r.Done.Add($"the snapshot '{name}' was dropped from libvirt's metadata");
        }
        else if (mayRollForward && CanRegister(r))
        {
            r.Domain.CreateSnapshot(definition!["xml"]!, SnapshotCreateFlags.Redefine | SnapshotCreateFlags.Current).Dispose();
            r.Done.Add($"the snapshot '{name}' was registered (its memory file {memory} is complete)");
            return RecoveryOutcome.RolledForward;
        }

        var referenced = r.ReferencedFiles();
        if (memory is not null && magic is not null)
        {
            if (complete && mayRollForward)
                r.Left.Add($"the memory file {memory} looks complete but nothing registers it: kept (snapshot-create --redefine can register it)");
            else if (complete)
                r.DeleteIfUnreferenced(memory, $"the memory file {memory} (one member's part of a group not taken)", referenced);
            else if (magic == SaveImageHeader.PartialMagic || HeaderNotYetWritten(record, memory, magic))
                r.DeleteIfUnreferenced(memory, $"the partial memory file {memory}", referenced);
            else
                r.Left.Add($"the memory file {memory} is not a libvirt save image: kept");
        }
        foreach (var overlay in r.Created(JournalFacts.OverlayRole))
        {
            var path = overlay["path"]!;
            if (referenced.Contains(path))
                r.Left.Add($"the disk runs on the overlay {path} (backing {overlay["backing"]}): a valid chain, kept");
            else
                r.DeleteIfUnreferenced(path, $"the overlay {path} made for the snapshot", referenced);
        }
        return RecoveryOutcome.RolledBack;
    }

    /// <summary>Whether the run can be rolled forward by registering its snapshot: the memory file complete (its magic) and the definition journaled.</summary>
    public static bool CanRegister(RecoveryContext r) =>
        MemoryFile(r).Magic == SaveImageHeader.CompleteMagic && r.Record.Fact(JournalFacts.SnapshotDefinition) is { } d && d["name"] is not null && d["xml"] is not null;

    // The run's memory file and its magic: null when there is none, "" when it is too short to have one.
    private static (string? Path, string? Magic) MemoryFile(RecoveryContext r)
    {
        var memory = r.Created(JournalFacts.MemoryRole).FirstOrDefault()?["path"];
        return (memory, memory is not null && r.Engine.Files.Exists(memory) ? SaveImageHeader.MagicOf(memory, r.Engine.Files) ?? "" : null);
    }

    // The migration's writer (the relay in the dead process) is gone: QEMU's write fails on the closed pipe. Wait
    // for it to end, the guest running; cancel only one that has not ended after a minute.
    private static async Task EndMigrationAsync(RecoveryContext r, QemuMigration qemu, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var status = qemu.QueryMigrate();
        if (!status.IsActive)
            return;
        while (status.IsActive && clock.Elapsed < MigrationEndWait)
        {
            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
            status = qemu.QueryMigrate();
        }
        if (status.IsActive)
        {
            qemu.Cancel();
            while (qemu.QueryMigrate().IsActive && clock.Elapsed < MigrationEndWait * 2)
                await Task.Delay(100, cancellationToken).ConfigureAwait(false);
            r.Done.Add("QEMU's background snapshot, still running without its writer, was cancelled");
        }
        else
        {
            r.Done.Add($"QEMU's background snapshot ended ({status.Status})");
        }
    }

    // QEMU opens the file itself (a file: URI): created empty by this run, emptied again by migrate, it holds no
    // magic until the header is written after migrate (or zeros before QEMU's stream): this run's partial file too.
    private static bool HeaderNotYetWritten(JournalRecord record, string memory, string magic) =>
        record.Fact(JournalFacts.QemuOpensFile)?["path"] == memory && magic.All(c => c == '\0');

    private static void RestoreSettings(RecoveryContext r, QemuMigration qemu)
    {
        foreach (var setting in r.Record.FactsOf(JournalFacts.MigrationSetting))
        {
            var (name, value) = (setting["name"], setting["restore"]);
            if (name == QemuMigration.BackgroundSnapshot)
            {
                if (Try(r, "turning QEMU's background-snapshot capability off", () => qemu.SetCapability(name, value == "on")))
                    r.Done.Add($"QEMU's {name} capability was turned {value} again");
            }
            else if (name == QemuMigration.MaxBandwidth && long.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out var limit))
            {
                if (Try(r, "restoring QEMU's migration bandwidth", () => qemu.SetMaxBandwidth(limit)))
                    r.Done.Add("QEMU's migration bandwidth limit was restored");
            }
        }
    }

    private static bool Try(RecoveryContext r, string what, Action action)
    {
        try
        {
            action();
            return true;
        }
        catch (Exception e) when (e is LibvirtException or QemuCommandException)
        {
            r.Left.Add($"{what} failed ({e.Message})");
            return false;
        }
    }
}
