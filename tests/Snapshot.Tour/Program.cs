using System.Diagnostics;
using Snapshot.Interop;
using Snapshot.TestGuest;

[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

// A tour of virt-snap: boot a busy guest, take an instant snapshot, let the guest run on, revert,
// and show it back at the sequence number it had at the moment of the request.
const string Uri = "qemu:///system";
var virtSnap = Path.Combine(AppContext.BaseDirectory, "virt-snap.dll");

Say("Booting the test guest: 1 GiB of RAM, 768 MiB of it random data rewritten at 64 MiB/s,");
Say("a sequence number written to its disk and printed every 100 ms.");
await using var guest = await TestGuest.StartAsync(new TestGuestOptions
{
    Purpose = "tour", MemoryMiB = 1024, FillMiB = 768, RewriteMiBPerSecond = 64, TickMilliseconds = 100,
});
var domain = guest.DomainName;
Say($"Guest {domain} is up after {guest.BootTime.TotalSeconds:0.0} s; its sequence is at {guest.LatestSequence()}.\n");

var events = new List<DomainLifecycleEvent>();
using var subscription = guest.Connection.SubscribeLifecycle(guest.Domain, e => { lock (events) events.Add(e); });

var atRequest = guest.LatestSequence();
Run("snapshot-create-as", domain, "tour", "--instant",
    "--memspec", Path.Combine(guest.Directory, "tour.mem"),
    "--diskspec", $"vda,file={Path.Combine(guest.Directory, "tour.qcow2")}");
var afterWrite = guest.LatestSequence();
Say($"The request came at sequence {atRequest}; the memory write ended at {afterWrite}.");
Say($"Guest pause seen in libvirt's lifecycle events: {PauseMilliseconds()} ms.\n");

Run("snapshot-list", domain);
Run("snapshot-info", domain, "tour");

await guest.WaitForSequenceAsync(s => s >= afterWrite + 30, TimeSpan.FromSeconds(30));
Say($"The guest ran on to sequence {guest.LatestSequence()}. Reverting:\n");
// Paused first, the old guest prints nothing that could be mistaken for the reverted guest's output.
guest.Domain.Suspend();
var mark = guest.Mark();
Run("snapshot-revert", domain, "tour");

var resumed = await guest.FirstSequenceAfterAsync(mark, TimeSpan.FromSeconds(30));
await guest.WaitForSequenceAfterAsync(mark, s => s >= resumed + 5, TimeSpan.FromSeconds(30));
var inconsistent = guest.InconsistentLinesAfter(mark);
Say($"After the revert the guest went on from sequence {resumed - 1} (printed {resumed} next); at the request it was {atRequest}.");
Say(inconsistent.Count == 0
    ? "Its memory and its disk agree: no INCONSISTENT line."
    : $"INCONSISTENT: {string.Join(" | ", inconsistent)}");

var back = resumed - 1 >= atRequest && resumed - 1 <= atRequest + 2;
Say(back && inconsistent.Count == 0 ? "\nTour complete." : "\nTour FAILED: the guest did not come back to the snapshot point.");
return back && inconsistent.Count == 0 ? 0 : 1;

void Run(params string[] args)
{
    Console.WriteLine($"$ virt-snap -c {Uri} {string.Join(' ', args.Select(Quote))}");
    var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
    foreach (var a in (string[])[virtSnap, "-c", Uri, .. args])
        start.ArgumentList.Add(a);
    using var process = Process.Start(start)!;
    var stdout = process.StandardOutput.ReadToEndAsync();
    var stderr = process.StandardError.ReadToEndAsync();
    process.WaitForExit();
    Console.Write(stdout.Result);
    Console.Error.Write(stderr.Result);
    if (process.ExitCode != 0)
        throw new InvalidOperationException($"virt-snap {args[0]} exited {process.ExitCode}");
}

long PauseMilliseconds()
{
    lock (events)
    {
        var suspended = events.FirstOrDefault(e => e.Type == DomainEventType.Suspended);
        var resumed = events.FirstOrDefault(e => e.Type == DomainEventType.Resumed && suspended is not null && e.Time >= suspended.Time);
        return suspended is null || resumed is null ? -1 : (long)(resumed.Time - suspended.Time).TotalMilliseconds;
    }
}

static string Quote(string s) => s.Contains(' ', StringComparison.Ordinal) ? $"'{s}'" : s;

static void Say(string text) => Console.WriteLine(text);
