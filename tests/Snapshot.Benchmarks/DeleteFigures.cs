using System.Diagnostics;
using System.Globalization;
using Snapshot.Engine;
using Snapshot.TestGuest;

namespace Snapshot.Benchmarks;

/// <summary>
/// The delete figure on one busy guest per stack: per case (the current leaf, a middle snapshot with one child, a
/// branch point with two children, a leaf of the shut-off domain), the time of the engine's delete and the bytes its
/// merges copied (<see cref="SnapshotDeleteResult.BytesMerged"/>), beside the daemon's own <c>virsh snapshot-delete</c>
/// of the same case on a second guest where libvirt is 11 or later (else, or where it refuses, said in the note).
/// External snapshots with memory throughout; whatever a case leaves is deleted by the engine before the next.
/// </summary>
internal sealed class DeleteFigures(Report report)
{
    private static readonly Version OwnDelete = new(11, 0);
    private static readonly string[] Cases = ["leaf", "middle, one child", "branch point, two children", "leaf, shut off"];

    public async Task RunAsync(Stack stack, int sizeMiB)
    {
        var ours = new Dictionary<string, (double Ms, long Bytes)>(StringComparer.Ordinal);
        Version daemon;
        await using (var guest = await InstantFigures.StartBusyGuestAsync(stack, sizeMiB))
        {
            daemon = guest.Connection.DaemonVersion;
            report.Note($"{stack.Name}: delete figure on a {sizeMiB} MiB guest (libvirt {daemon}, QEMU {guest.Connection.HypervisorVersion})");
            using var engine = new SnapshotEngine(guest.Connection);
            var tree = new Tree(guest, engine.Domain(guest.DomainName), null);
            foreach (var name in Cases)
                ours[name] = await tree.RunCaseAsync(name);
        }
        var theirs = Cases.ToDictionary(c => c, _ => ((double?)null,
            $"libvirt {daemon}'s own delete not measured (libvirt 11.3's runs on the second stack)"), StringComparer.Ordinal);
        if (daemon >= OwnDelete)
        {
            await using var guest = await InstantFigures.StartBusyGuestAsync(stack, sizeMiB);
            using var engine = new SnapshotEngine(guest.Connection);
            var tree = new Tree(guest, engine.Domain(guest.DomainName), stack);
            foreach (var name in Cases)
            {
                var (ms, refusal) = await tree.RunVirshCaseAsync(name);
                theirs[name] = (refusal is null ? ms : null, refusal is null ? "virsh deleted it" : $"virsh refused: {refusal}");
            }
        }
        foreach (var name in Cases)
        {
            var (ms, bytes) = ours[name];
            var (virshMs, note) = theirs[name];
            report.Add(new Row($"delete: {name}", ms, virshMs, "ms", "virsh snapshot-delete", "-", null,
                string.Create(CultureInfo.InvariantCulture, $"virt-snap merged {bytes} bytes ({bytes / 1048576.0:0.0} MiB: a block job's own count, qemu-img's merged allocation); {note}"))
            { Stack = stack.Name });
        }
    }

    // One guest's snapshots, made by the engine (virsh's own delete deletes snapshots like any virsh user's: the
    // engine's snapshots are libvirt's external snapshots with memory).
    private sealed class Tree(TestGuest.TestGuest guest, ISnapshotDomain domain, Stack? virsh)
    {
        private int _n;

        public async Task<(double Ms, long Bytes)> RunCaseAsync(string name)
        {
            var target = await SetUpAsync(name);
            var clock = Stopwatch.StartNew();
            var result = await domain.DeleteAsync(target);
            var ms = clock.Elapsed.TotalMilliseconds;
            await CleanUpAsync();
            return (ms, result.BytesMerged);
        }

        public async Task<(double Ms, string? Refusal)> RunVirshCaseAsync(string name)
        {
            var target = await SetUpAsync(name);
            var clock = Stopwatch.StartNew();
            var (code, _, err) = virsh!.RunVirsh(["-c", virsh.Uri, "snapshot-delete", guest.DomainName, target], TimeSpan.FromMinutes(10));
            var ms = clock.Elapsed.TotalMilliseconds;
            await CleanUpAsync();
            return (ms, code == 0 ? null : err.Trim().Replace("error: ", "", StringComparison.Ordinal).ReplaceLineEndings(" "));
        }

        private async Task<string> SetUpAsync(string name)
        {
            if (!guest.Domain.IsActive)
            {
                guest.Domain.Create();
                await guest.WaitForSequenceAfterAsync(guest.Mark(), _ => true, TimeSpan.FromSeconds(120));
            }
            switch (name)
            {
                case "leaf":
                    return await SnapshotAsync();
                case "middle, one child":
                {
                    var middle = await SnapshotAsync();
                    await SnapshotAsync();
                    return middle;
                }
                case "branch point, two children":
                {
                    var branch = await SnapshotAsync();
                    await SnapshotAsync();
                    await domain.RevertAsync(branch);
                    await SnapshotAsync();
                    return branch;
                }
                default:
                {
                    var leaf = await SnapshotAsync();
                    guest.Domain.Destroy();
                    return leaf;
                }
            }
        }

        private async Task<string> SnapshotAsync()
        {
            await guest.WaitForSequenceAfterAsync(guest.Mark(), _ => true, TimeSpan.FromSeconds(60));
            var name = $"d{++_n}";
            await domain.CreateAsync(new SnapshotCreateOptions
            {
                Name = name,
                Memory = MemorySpec.External(Path.Combine(guest.Directory, name + ".mem")),
                Disks = [DiskSpec.External("vda", Path.Combine(guest.Directory, name + ".qcow2"))],
            });
            return name;
        }

        // Leaves first, through the engine: whatever the case (or a refusal) left.
        private async Task CleanUpAsync()
        {
            foreach (var root in (await domain.ListAsync()).Where(s => s.Parent is null).ToList())
                await domain.DeleteAsync(root.Name, new SnapshotDeleteOptions(SnapshotDeleteMode.Children));
        }
    }
}
