using Snapshot.Interop;
using Snapshot.TestGuest;
using static Snapshot.Engine.Tests.Instant.InstantHelpers;

namespace Snapshot.Engine.Tests.Instant;

/// <summary>
/// One small busy guest on one stack shared by that stack's failure tests: each failure must leave it running, so
/// the next can use it. One class per stack, so that one stack's guest is gone before the other's boots.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public abstract class SmallGuestFixture(Stack stack) : IAsyncLifetime
{
    public TestGuest.TestGuest Guest { get; private set; } = null!;

    public async Task InitializeAsync() => Guest = await TestGuest.TestGuest.StartAsync(new TestGuestOptions
    {
        MemoryMiB = 320, FillMiB = 192, RewriteMiBPerSecond = 32, TickMilliseconds = 100, Purpose = "instant-fail", Uri = stack.Uri,
    });

    public async Task DisposeAsync() => await Guest.DisposeAsync();
}

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class HostSmallGuest() : SmallGuestFixture(Stack.Host);

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class BackportsSmallGuest() : SmallGuestFixture(Stack.Backports);

[Collection("vm")]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class InstantFailureTestsOnStack1Host(HostSmallGuest fixture) : InstantFailureTests(fixture), IClassFixture<HostSmallGuest>;

[Collection("vm")]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class InstantFailureTestsOnStack2Backports(BackportsSmallGuest fixture) : InstantFailureTests(fixture), IClassFixture<BackportsSmallGuest>;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public abstract class InstantFailureTests(SmallGuestFixture fixture)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private TestGuest.TestGuest Guest => fixture.Guest;

    private async Task<SnapshotException> Refused(SnapshotCreateOptions request, SnapshotErrorKind kind)
    {
        using var engine = new SnapshotEngine(Guest.Connection);
        var e = await engine.Domain(Guest.DomainName).Invoking(x => x.CreateAsync(request)).Should().ThrowAsync<SnapshotException>();
        e.Which.Kind.Should().Be(kind);
        return e.Which;
    }

    [Fact]
    public async Task A_memory_file_in_a_missing_directory_is_refused_before_anything_changes()
    {
        var active = DiskChain(Guest).Active;
        var file = Path.Combine(Guest.Directory, "no-such-dir", "m.mem");
        var e = await Refused(InstantRequest("missing-dir", file), SnapshotErrorKind.BadInput);
        e.Message.Should().Contain("does not exist");
        ShouldBeRunningWithoutSnapshots(Guest, active);
        File.Exists(file).Should().BeFalse();
    }

    [Fact]
    public async Task An_existing_memory_file_is_never_overwritten()
    {
        var active = DiskChain(Guest).Active;
        var file = Path.Combine(Guest.Directory, "existing.mem");
        await File.WriteAllTextAsync(file, "keep me");
        var e = await Refused(InstantRequest("existing", file), SnapshotErrorKind.BadInput);
        e.Message.Should().Contain("already exists");
        (await File.ReadAllTextAsync(file)).Should().Be("keep me");
        ShouldBeRunningWithoutSnapshots(Guest, active);
    }

    [Fact]
    public async Task An_existing_overlay_is_refused_before_anything_changes()
    {
        var active = DiskChain(Guest).Active;
        var overlay = Path.Combine(Guest.Directory, "taken.qcow2");
        await File.WriteAllTextAsync(overlay, "not an overlay");
        var e = await Refused(InstantRequest("taken", Path.Combine(Guest.Directory, "taken.mem"), new DiskSpec("vda", SnapshotMode.External, null, null, overlay)),
            SnapshotErrorKind.BadInput);
        e.Message.Should().Contain(overlay).And.Contain("already exists");
        ShouldBeRunningWithoutSnapshots(Guest, active);
    }

    [Fact]
    public async Task A_memory_file_that_cannot_be_created_leaves_the_guest_running_and_QEMU_settings_restored()
    {
        var active = DiskChain(Guest).Active;
        var bandwidth = MaxBandwidth(Guest);
        // /proc exists and cannot hold files, even for root.
        var e = await Refused(InstantRequest("unwritable", "/proc/virtsnap-instant-test.mem"), SnapshotErrorKind.Failed);
        e.Message.Should().Contain("while creating the memory file").And.Contain("the disks are unchanged").And.Contain("no snapshot was recorded")
            .And.Contain("the domain is running");
        ShouldBeRunningWithoutSnapshots(Guest, active);
        MaxBandwidth(Guest).Should().Be(bandwidth);
    }

    [Fact]
    public async Task A_conflicting_migration_capability_is_named_with_its_fix()
    {
        var active = DiskChain(Guest).Active;
        SetCapability(Guest, "xbzrle", true);
        try
        {
            var e = await Refused(InstantRequest("xbzrle", Path.Combine(Guest.Directory, "xbzrle.mem")), SnapshotErrorKind.NotSupported);
            e.Message.Should().Contain("xbzrle").And.Contain("migrate-set-capabilities");
            Kinds.Of(e).Should().Be(SnapshotErrorKind.NotSupported);
        }
        finally
        {
            SetCapability(Guest, "xbzrle", false);
        }
        ShouldBeRunningWithoutSnapshots(Guest, active);
        File.Exists(Path.Combine(Guest.Directory, "xbzrle.mem")).Should().BeFalse();
    }

    [Fact]
    public async Task A_migration_started_past_libvirt_is_refused_and_the_guest_never_paused()
    {
        var active = DiskChain(Guest).Active;
        var file = Path.Combine(Guest.Directory, "migrating.mem");
        var events = new List<DomainLifecycleEvent>();
        using var subscription = Guest.Connection.SubscribeLifecycle(Guest.Domain, events.Add);
        // A plain migration by hand into a pipe nobody reads: QEMU fills the pipe and waits, "active", the guest
        // running, and libvirt knows of no job.
        var reader = new System.IO.Pipes.AnonymousPipeServerStream(System.IO.Pipes.PipeDirection.In);
        SnapshotException e;
        try
        {
            Guest.Domain.QemuMonitorCommandWithFiles("""{"execute":"getfd","arguments":{"fdname":"by-hand"}}""", [reader.ClientSafePipeHandle], out _)
                .Should().NotContain("\"error\"");
            reader.DisposeLocalCopyOfClientHandle();
            Guest.Domain.QemuMonitorCommand("""{"execute":"migrate","arguments":{"uri":"fd:by-hand"}}""").Should().NotContain("\"error\"");
            var started = DateTime.UtcNow + Timeout;
            while (MigrationStatus(Guest) == "setup" && DateTime.UtcNow < started)
                await Task.Delay(10);
            MigrationStatus(Guest).Should().Be("active");

            e = await Refused(InstantRequest("migrating", file), SnapshotErrorKind.NotSupported);
        }
        finally
        {
            // QEMU's write fails once the pipe has no reader: the migration ends, the guest never stopped.
            reader.Dispose();
            var deadline = DateTime.UtcNow + Timeout;
            while (MigrationStatus(Guest) is "active" or "setup" && DateTime.UtcNow < deadline)
                await Task.Delay(50);
        }
        e.Message.Should().Contain("has a migration in progress");
        MigrationStatus(Guest).Should().BeOneOf("failed", "cancelled");
        ShouldBeRunningWithoutSnapshots(Guest, active);
        File.Exists(file).Should().BeFalse();
        Directory.GetFiles(Path.GetDirectoryName(active)!, "*migrating*").Should().BeEmpty("an overlay made beside the checks is deleted");
        events.Should().NotContain(x => x.Type == DomainEventType.Suspended, "the refusal comes before any pause");
    }

    [Fact]
    public async Task QEMU_refusing_background_snapshot_is_reported_with_the_sysctl_fix_and_the_guest_never_paused()
    {
        var active = DiskChain(Guest).Active;
        var file = Path.Combine(Guest.Directory, "nouffd.mem");
        const string sysctl = "/proc/sys/vm/unprivileged_userfaultfd";
        var previous = (await File.ReadAllTextAsync(sysctl)).Trim();
        var events = new List<DomainLifecycleEvent>();
        using var subscription = Guest.Connection.SubscribeLifecycle(Guest.Domain, events.Add);
        await File.WriteAllTextAsync(sysctl, "0");
        SnapshotException e;
        try
        {
            e = await Refused(InstantRequest("nouffd", file), SnapshotErrorKind.NotSupported);
        }
        finally
        {
            await File.WriteAllTextAsync(sysctl, previous);
        }
        e.Message.Should().Contain("background-snapshot").And.Contain("sysctl -w vm.unprivileged_userfaultfd=1");
        ShouldBeRunningWithoutSnapshots(Guest, active);
        File.Exists(file).Should().BeFalse();
        await Task.Delay(200);
        events.Should().NotContain(x => x.Type == DomainEventType.Suspended, "QEMU's refusal comes before any pause");
    }

    [Fact]
    public async Task Cancelling_during_the_memory_write_leaves_a_running_guest_on_a_valid_chain_and_no_file()
    {
        var (active, _) = DiskChain(Guest);
        var file = Path.Combine(Guest.Directory, "cancel.mem");
        var overlay = Path.Combine(Guest.Directory, "cancel-overlay.qcow2");
        using var engine = new SnapshotEngine(Guest.Connection);
        using var cts = new CancellationTokenSource();
        var taken = false;
        var mark = Guest.Mark();

        var request = InstantRequest("cancelled", file, new DiskSpec("vda", SnapshotMode.External, null, null, overlay)) with
        {
            OnSnapshotPoint = _ =>
            {
                taken = true;
                cts.Cancel();
            },
        };
        var e = await engine.Domain(Guest.DomainName).Invoking(x => x.CreateAsync(request, null, cts.Token))
            .Should().ThrowAsync<OperationCanceledException>();

        taken.Should().BeTrue();
        e.Which.Message.Should().Contain("was cancelled while writing the guest's memory")
            .And.Contain($"the disks now run on overlays vda: {overlay} (backing {active})")
            .And.Contain("no snapshot was recorded").And.Contain("was deleted");
        File.Exists(file).Should().BeFalse();
        ShouldBeRunningWithoutSnapshots(Guest, overlay);
        DiskChain(Guest).Backing.Should().Be(active);
        using (var doc = System.Text.Json.JsonDocument.Parse(Guest.Domain.QemuMonitorCommand("{\"execute\":\"query-migrate\"}")))
            doc.RootElement.GetProperty("return").GetProperty("status").GetString().Should().Be("completed", "QEMU 7.2 stalls the guest on migrate_cancel: the write is let finish, then discarded");

        // The guest keeps working on the overlay, memory and disk in step.
        var latest = Guest.LatestSequence();
        await Guest.WaitForSequenceAfterAsync(mark, s => s >= latest + 3, Timeout);
        Guest.InconsistentLinesAfter(mark).Should().BeEmpty();
    }

    [Fact]
    public async Task A_memory_relay_failing_mid_write_leaves_no_complete_looking_file_and_the_guest_running()
    {
        var (active, _) = DiskChain(Guest);
        // A file system too small for the guest's memory: the relay's writes fail with ENOSPC part-way.
        var small = Path.Combine(Guest.Directory, "small-fs");
        Directory.CreateDirectory(small);
        Run("mount", "-t", "tmpfs", "-o", "size=16m,mode=0700", "virtsnap-relay-test", small);
        try
        {
            var file = Path.Combine(small, "full.mem");
            var overlay = Path.Combine(Guest.Directory, "full-overlay.qcow2");
            var mark = Guest.Mark();
            var e = await Refused(InstantRequest("full", file, new DiskSpec("vda", SnapshotMode.External, null, null, overlay)), SnapshotErrorKind.Failed);

            e.Message.Should().Contain("No space left on device").And.Contain("no snapshot was recorded").And.Contain("the domain is running");
            if (File.Exists(file))
            {
                var magic = new byte[16];
                await using (var f = File.OpenRead(file))
                    f.ReadExactly(magic);
                System.Text.Encoding.ASCII.GetString(magic).Should().Be("LibvirtQemudPart");
            }
            ShouldBeRunningWithoutSnapshots(Guest, overlay);
            DiskChain(Guest).Backing.Should().Be(active);
            var latest = Guest.LatestSequence();
            await Guest.WaitForSequenceAfterAsync(mark, s => s >= latest + 3, Timeout);
            Guest.InconsistentLinesAfter(mark).Should().BeEmpty();
        }
        finally
        {
            Run("umount", small);
        }
    }
}
