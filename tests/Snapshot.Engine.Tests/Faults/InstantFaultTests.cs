using Snapshot.Interop;

namespace Snapshot.Engine.Tests.Faults;

/// <summary>
/// Every step of an instant snapshot failed by name, on libvirt's test driver with a fake QEMU: each failure
/// leaves the guest running, QEMU's settings as they were, no descriptor in QEMU, and exactly the files and
/// metadata the message says.
/// </summary>
public sealed class InstantFaultTests
{
    [Flags]
    public enum Leaves
    {
        /// <summary>Nothing changed and nothing is said: the fault came before anything changed.</summary>
        Unchanged = 0,
        /// <summary>The overlays were made, then deleted.</summary>
        OverlaysDeleted = 1,
        /// <summary>The disks run on the overlays.</summary>
        OnOverlays = 2,
        /// <summary>The memory file is complete and kept.</summary>
        CompleteFile = 4,
        /// <summary>The snapshot is in libvirt's metadata.</summary>
        Recorded = 8,
        /// <summary>QEMU's background snapshot had started: it was let run to its end.</summary>
        Drained = 16,
    }

    /// <summary>What a fault at each step leaves; one entry per step, in the operation's order.</summary>
    private static readonly (string Step, Leaves Leaves)[] Expected =
    [
        ("preflight", Leaves.Unchanged),
        ("enable-background-snapshot", Leaves.Unchanged),
        ("create-memory-file", Leaves.Unchanged),
        ("read-definition", Leaves.Unchanged),
        ("write-header", Leaves.Unchanged),
        ("start-relay", Leaves.Unchanged),
        ("hand-pipe-to-qemu", Leaves.Unchanged),
        ("create-overlays", Leaves.Unchanged),
        ("pause", Leaves.OverlaysDeleted),
        ("switch-disks", Leaves.OverlaysDeleted), // QEMU 7.2's place for it
        ("start-background-snapshot", Leaves.OverlaysDeleted), // QEMU 8.2+: the disks switch after it
        ("switch-disks-after-migrate", Leaves.OverlaysDeleted | Leaves.Drained),
        ("wait-resume", Leaves.OnOverlays | Leaves.Drained),
        ("write-header-beside-stream", Leaves.OnOverlays | Leaves.Drained),
        ("raise-bandwidth", Leaves.OnOverlays | Leaves.Drained),
        ("write-memory", Leaves.OnOverlays | Leaves.Drained),
        ("finish-relay", Leaves.OnOverlays),
        ("complete-memory-file", Leaves.OnOverlays),
        ("restore-migration-settings", Leaves.OnOverlays | Leaves.CompleteFile),
        ("collapse-huge-pages", Leaves.OnOverlays | Leaves.CompleteFile),
        ("register", Leaves.OnOverlays | Leaves.CompleteFile),
        ("describe", Leaves.OnOverlays | Leaves.CompleteFile | Leaves.Recorded),
    ];

    public static TheoryData<string> Steps() => FaultHook.StepsOf(InstantSnapshot.Sequence);

    // The steps only one memory transport runs: the pipe's, and the header written once QEMU opened the file itself.
    private static readonly string[] PipeOnly = ["write-header", "start-relay", "hand-pipe-to-qemu", "finish-relay"];
    private const string QemuFileOnly = "write-header-beside-stream";

    // The disk switch's two places: before migrate for QEMU 7.2, which restarts the guest itself; after it for 8.2+ (the fake's default, 10.0).
    private const string Qemu72Only = "switch-disks";
    private const string Qemu82Only = "switch-disks-after-migrate";
    private static readonly Version Qemu72 = new(7, 2, 22);

    private static FaultNode NodeFor(string step, FaultHook hook) =>
        step == Qemu72Only ? new(hook, q => q.Version = Qemu72) : new(hook, qemuOpensFile: step == QemuFileOnly);

    [Fact]
    public void Every_step_of_the_operation_has_a_fault_expectation() =>
        Expected.Select(e => e.Step).Should().Equal(InstantSnapshot.Sequence.Names, "a new step needs its fault test");

    [Fact]
    public async Task A_snapshot_runs_every_declared_step_in_order_and_records_a_complete_memory_file()
    {
        var hook = new FaultHook();
        using var node = new FaultNode(hook);
        var (memory, overlay) = (node.Path("m.mem"), node.Path("o.qcow2"));
        SnapshotPoint? point = null;

        var info = await node.Engine.Domain(FaultNode.Domain).CreateAsync(Request(memory, overlay) with { OnSnapshotPoint = p => point = p });

        hook.Before.Select(p => p.Step).Should().Equal(InstantSnapshot.Sequence.Names.Where(n => n is not QemuFileOnly and not Qemu72Only));
        info.Name.Should().Be("s1");
        info.MemoryFile.Should().Be(memory);
        point.Should().NotBeNull();
        Magic(memory).Should().Be("LibvirtQemudSave");
        new FileInfo(memory).Length.Should().BeGreaterThan(node.Qemu!.MemoryBytes);
        node.Qemu.DisksSwitched.Should().BeTrue();
        ShouldHaveRestoredQemu(node);
        node.Dom.GetState().State.Should().Be(DomainState.Running);
    }

    [Fact]
    public async Task Where_QEMU_opens_the_file_itself_the_steps_write_the_header_beside_its_stream_and_complete_the_same_save_image()
    {
        var hook = new FaultHook();
        using var node = new FaultNode(hook, qemuOpensFile: true);
        var (memory, overlay) = (node.Path("m.mem"), node.Path("o.qcow2"));

        var info = await node.Engine.Domain(FaultNode.Domain).CreateAsync(Request(memory, overlay));

        hook.Before.Select(p => p.Step).Should().Equal(InstantSnapshot.Sequence.Names.Where(n => !PipeOnly.Contains(n) && n != Qemu72Only));
        node.Qemu!.OpenDescriptors.Should().Be(0, "no descriptor was handed to QEMU");
        info.MemoryFile.Should().Be(memory);
        Magic(memory).Should().Be("LibvirtQemudSave");
        using (var stream = File.OpenRead(memory))
            SaveImageHeader.Read(stream, memory).StreamOffset.Should().Be(4096, "QEMU's stream starts at the offset the header was built for");
        ShouldHaveRestoredQemu(node);
    }

    [Fact]
    public async Task Where_QEMU_7_2_would_have_to_open_the_file_the_snapshot_is_refused_before_anything_changes()
    {
        var hook = new FaultHook();
        using var node = new FaultNode(hook, q => q.Version = new Version(7, 2, 22), qemuOpensFile: true);
        var memory = node.Path("m.mem");

        var e = await node.Engine.Domain(FaultNode.Domain).Invoking(x => x.CreateAsync(Request(memory, node.Path("o.qcow2")))).Should().ThrowAsync<SnapshotException>();

        e.Which.Kind.Should().Be(SnapshotErrorKind.NotSupported);
        e.Which.Message.Should().Contain("QEMU 7.2.22 cannot open the memory file itself (QEMU 8.2 and later can)");
        hook.Before.Select(p => p.Step).Should().Equal("preflight");
        node.Qemu!.Executed.Should().Contain("query-version").And.NotContain("migrate-set-capabilities");
        File.Exists(memory).Should().BeFalse();
    }

    [Fact]
    public async Task On_QEMU_7_2_the_disks_switch_before_migrate_and_a_fault_at_migrate_leaves_them_on_the_overlays()
    {
        var hook = new FaultHook("start-background-snapshot");
        using var node = new FaultNode(hook, q => q.Version = Qemu72);
        var (memory, overlay) = (node.Path("m.mem"), node.Path("o.qcow2"));

        var e = await node.Engine.Domain(FaultNode.Domain).Invoking(x => x.CreateAsync(Request(memory, overlay))).Should().ThrowAsync<SnapshotException>();

        hook.Before.Select(p => p.Step).Should().ContainInOrder("pause", Qemu72Only, "start-background-snapshot").And.NotContain(Qemu82Only);
        e.Which.Message.Should().Contain($"the disks now run on overlays vda: {overlay} (backing {node.Disk})").And.NotContain("background snapshot was let run");
        node.Qemu!.DisksSwitched.Should().BeTrue();
        File.Exists(overlay).Should().BeTrue("the disks run on it");
        File.Exists(memory).Should().BeFalse();
        node.Dom.GetState().State.Should().Be(DomainState.Running);
        ShouldHaveRestoredQemu(node);
    }

    [Theory]
    [MemberData(nameof(Steps))]
    public async Task A_fault_at_each_step_is_undone_and_reported_exactly(string step)
    {
        var leaves = Expected.Single(e => e.Step == step).Leaves;
        using var node = NodeFor(step, new FaultHook(step));
        var (memory, overlay) = (node.Path("m.mem"), node.Path("o.qcow2"));

        var thrown = await node.Engine.Domain(FaultNode.Domain).Invoking(e => e.CreateAsync(Request(memory, overlay))).Should().ThrowAsync<Exception>();

        var doing = InstantSnapshot.Sequence.Steps.Single(s => s.Name == step).Doing;
        if (step == "preflight")
        {
            // A refusal before anything changed is thrown as it is, at the boundary inside the one error type.
            var refusal = thrown.Which.Should().BeOfType<SnapshotException>().Which;
            refusal.InnerException.Should().BeOfType<InjectedFaultException>();
            refusal.Message.Should().Be(refusal.InnerException!.Message);
        }
        else
        {
            var e = thrown.Which.Should().BeOfType<SnapshotException>().Which;
            e.Kind.Should().Be(SnapshotErrorKind.Failed);
            e.InnerException.Should().BeOfType<InjectedFaultException>();
            e.Message.Should().Contain($"failed while {doing}: injected fault at step '{step}'").And.Contain("the domain is running");
            e.Message.Should().Contain(leaves.HasFlag(Leaves.OnOverlays) ? $"the disks now run on overlays vda: {overlay} (backing {node.Disk})" : "the disks are unchanged");
            if (leaves.HasFlag(Leaves.OverlaysDeleted))
                e.Message.Should().Contain($"the overlay {overlay} made for the snapshot was deleted");
            if (leaves.HasFlag(Leaves.CompleteFile))
                e.Message.Should().Contain($"the memory file {memory} is complete");
            else if (node.Hook is FaultHook h && h.Before.Any(p => p.Step == "read-definition"))
                e.Message.Should().Contain($"the partial memory file {memory} was deleted");
            if (leaves.HasFlag(Leaves.Drained))
                e.Message.Should().Contain("QEMU's background snapshot was let run to its end (completed)");
            else
                e.Message.Should().NotContain("background snapshot was let run");
            e.Message.Should().Contain(leaves.HasFlag(Leaves.Recorded) ? "the snapshot 's1' was recorded" : "no snapshot was recorded");
        }

        node.Dom.GetState().State.Should().Be(DomainState.Running);
        ShouldHaveRestoredQemu(node);
        node.Qemu!.DisksSwitched.Should().Be(leaves.HasFlag(Leaves.OnOverlays));
        File.Exists(overlay).Should().Be(leaves.HasFlag(Leaves.OnOverlays), "an overlay is kept only when the disks run on it");
        File.Exists(memory).Should().Be(leaves.HasFlag(Leaves.CompleteFile), "only a complete memory file is kept");
        if (leaves.HasFlag(Leaves.CompleteFile))
            Magic(memory).Should().Be("LibvirtQemudSave");
        node.Dom.SnapshotCount().Should().Be(leaves.HasFlag(Leaves.Recorded) ? 1 : 0);
    }

    [Fact]
    public async Task QEMU_7_2_restarting_the_guest_just_after_saying_it_is_paused_is_its_own_resume_not_a_failure()
    {
        using var node = new FaultNode(new FaultHook(), q =>
        {
            q.Version = new Version(7, 2, 0);
            q.ResumesAfterStatusReply = true;
        });
        var (memory, overlay) = (node.Path("m.mem"), node.Path("o.qcow2"));

        await node.Engine.Domain(FaultNode.Domain).CreateAsync(Request(memory, overlay));

        node.Qemu!.Executed.Should().Contain("query-status", "the engine asked, and QEMU then restarted the guest itself");
        node.Dom.GetState().State.Should().Be(DomainState.Running);
        node.Dom.SnapshotCount().Should().Be(1);
        Magic(memory).Should().Be("LibvirtQemudSave");
        ShouldHaveRestoredQemu(node);
    }

    [Fact]
    public async Task A_failed_background_snapshot_leaves_a_running_guest_on_the_overlays_and_no_file()
    {
        using var node = new FaultNode(new FaultHook(), q =>
        {
            q.EndStatus = "failed";
            q.Version = new Version(7, 2, 0); // the failure comes after QEMU's own resume: QEMU 7.2's (8.2+ never restarts the guest itself)
        });
        var (memory, overlay) = (node.Path("m.mem"), node.Path("o.qcow2"));

        var e = await node.Engine.Domain(FaultNode.Domain).Invoking(x => x.CreateAsync(Request(memory, overlay))).Should().ThrowAsync<SnapshotException>();

        e.Which.Message.Should().Contain("while writing the guest's memory: QEMU's background snapshot failed after")
            .And.Contain($"the disks now run on overlays vda: {overlay}").And.Contain("no snapshot was recorded");
        node.Dom.GetState().State.Should().Be(DomainState.Running);
        File.Exists(memory).Should().BeFalse();
        ShouldHaveRestoredQemu(node);
    }

    [Fact]
    public async Task A_background_snapshot_that_fails_without_a_reason_is_told_with_QEMUs_log_lines_since_the_pause()
    {
        using var node = new FaultNode(new FaultHook(), q => q.FailsSilently = true);
        var (memory, overlay) = (node.Path("m.mem"), node.Path("o.qcow2"));
        // libvirt's log of the domain: an older QEMU line, a libvirt line, and QEMU's line of the failure (stamped ahead: written "after" the pause).
        static string Stamp(DateTime at) => at.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", System.Globalization.CultureInfo.InvariantCulture);
        File.WriteAllText(node.Path(FaultNode.Domain + ".log"),
            $"{Stamp(DateTime.UtcNow.AddHours(-1))} qemu-system-x86_64: an older line\n" +
            "2026-12-01 19:00:00.000+0000: starting up libvirt version: 9.0.0\n" +
            $"{Stamp(DateTime.UtcNow.AddMinutes(5))} qemu-system-x86_64: bg_migration_thread: failed by the test\n");

        var e = await node.Engine.Domain(FaultNode.Domain).Invoking(x => x.CreateAsync(Request(memory, overlay))).Should().ThrowAsync<SnapshotException>();

        e.Which.Message.Should().Contain("QEMU's background snapshot failed before resuming the guest: no reason given; QEMU's log since the pause: ")
            .And.Contain("qemu-system-x86_64: bg_migration_thread: failed by the test")
            .And.NotContain("an older line").And.NotContain("starting up").And.NotContain("\n");
        node.Dom.GetState().State.Should().Be(DomainState.Running, "the rollback resumes the guest");
        File.Exists(memory).Should().BeFalse();
    }

    [Fact]
    public async Task QEMU_that_keeps_the_guest_paused_has_it_resumed_by_the_engine_once_pages_flow()
    {
        // QEMU 8.2 and later: a guest paused before migrate stays paused through the background snapshot.
        using var node = new FaultNode(new FaultHook(), q => q.ResumesGuest = false);
        var (memory, overlay) = (node.Path("m.mem"), node.Path("o.qcow2"));

        var info = await node.Engine.Domain(FaultNode.Domain).CreateAsync(Request(memory, overlay));

        info.Name.Should().Be("s1");
        node.Dom.GetState().State.Should().Be(DomainState.Running, "the engine resumed it");
        Magic(memory).Should().Be("LibvirtQemudSave");
    }

    [Fact]
    public async Task QEMU_10_is_not_asked_whether_its_vcpus_run_before_the_engine_resumes_the_guest()
    {
        // QEMU 8.2 and later never restart the vCPUs themselves: a query-status inside the pause would only lengthen it.
        using var node = new FaultNode(new FaultHook(), q => q.Version = new Version(10, 0, 2));
        var (memory, overlay) = (node.Path("m.mem"), node.Path("o.qcow2"));

        await node.Engine.Domain(FaultNode.Domain).CreateAsync(Request(memory, overlay));

        node.Dom.GetState().State.Should().Be(DomainState.Running, "the engine resumed it");
        node.Qemu!.Executed.Should().NotContain("query-status");
        node.Qemu.Executed.Count(c => c == "query-version").Should().Be(1, "QEMU's version is asked once");
        node.Qemu.Executed.Count(c => c == "query-migrate-capabilities").Should().Be(1, "the capability step uses what the preflight saw");
    }

    [Fact]
    public async Task QEMU_7_2_is_asked_whether_its_vcpus_run_since_it_resumes_the_guest_itself()
    {
        // Its vCPUs not yet restarted when the engine sees the first page: the engine asks, then resumes.
        using var node = new FaultNode(new FaultHook(), q =>
        {
            q.Version = new Version(7, 2, 22);
            q.ResumesGuest = false;
        });
        var (memory, overlay) = (node.Path("m.mem"), node.Path("o.qcow2"));

        await node.Engine.Domain(FaultNode.Domain).CreateAsync(Request(memory, overlay));

        node.Dom.GetState().State.Should().Be(DomainState.Running);
        node.Qemu!.Executed.Should().Contain("query-status", "QEMU 7.2 may have restarted the vCPUs before the engine saw a page");
    }

    [Fact]
    public async Task QEMU_that_sends_no_page_in_time_fails_the_snapshot_and_the_guest_runs_before_the_write_is_drained()
    {
        using var node = new FaultNode(new FaultHook(), q =>
        {
            q.ResumesGuest = false;
            q.FirstPageDelay = TimeSpan.FromSeconds(3);
        });
        var (memory, overlay) = (node.Path("m.mem"), node.Path("o.qcow2"));

        var e = await node.Engine.Domain(FaultNode.Domain).Invoking(x => x.CreateAsync(Request(memory, overlay))).Should().ThrowAsync<SnapshotException>();

        e.Which.Message.Should().Contain("while waiting for QEMU's RAM write tracking to resume the guest: QEMU sent no RAM page within 1000 ms")
            .And.Contain("the guest was resumed").And.Contain("the domain is running").And.Contain("let run to its end");
        node.Qemu!.StateWhenWritten.Should().Be(DomainState.Running, "the rollback resumes the guest before it lets QEMU's write end");
        node.Dom.GetState().State.Should().Be(DomainState.Running);
        File.Exists(memory).Should().BeFalse();
        ShouldHaveRestoredQemu(node);
    }

    internal static SnapshotCreateOptions Request(string memory, string overlay) => new()
    {
        Name = "s1",
        Memory = MemorySpec.External(memory),
        Disks = [DiskSpec.External("vda", overlay)],
        Modifiers = new SnapshotCreateModifiers { Instant = true },
    };

    internal static void ShouldHaveRestoredQemu(FaultNode node)
    {
        node.Qemu!.Capabilities["background-snapshot"].Should().BeFalse("the engine restores QEMU's capabilities");
        node.Qemu.MaxBandwidth.Should().Be(32 << 20, "and its bandwidth limit");
        node.Qemu.OpenDescriptors.Should().Be(0, "and leaves no descriptor in QEMU");
        node.Qemu.Status.Should().BeOneOf("none", "completed", "failed");
    }

    private static string Magic(string file)
    {
        var magic = new byte[16];
        using (var f = File.OpenRead(file))
            f.ReadExactly(magic);
        return System.Text.Encoding.ASCII.GetString(magic);
    }
}
