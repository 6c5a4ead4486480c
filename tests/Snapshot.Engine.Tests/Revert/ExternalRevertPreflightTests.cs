using System.Xml.Linq;
using Snapshot.Interop;

namespace Snapshot.Engine.Tests.Revert;

public sealed class ExternalRevertPreflightTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("revert-preflight-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Frozen => Path.Combine(_dir, "disk.qcow2");

    private string SnapshotXml(string state, string? memory, string frozen, string domainType = "qemu") => $"""
        <domainsnapshot><name>s1</name><state>{state}</state>
          <memory snapshot='{(memory is null ? "no" : "external")}'{(memory is null ? "" : $" file='{memory}'")}/>
          <disks><disk name='vda' snapshot='external' type='file'><driver type='qcow2'/><source file='{_dir}/s1.qcow2'/></disk></disks>
          {Domain(frozen, domainType)}
        </domainsnapshot>
        """;

    private static string Domain(string disk, string type = "qemu") => $"""
        <domain type='{type}'><name>g</name><memory unit='KiB'>262144</memory><vcpu>1</vcpu>
          <os><type arch='x86_64' machine='pc-i440fx-7.2'>hvm</type></os>
          <devices><disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='{disk}'/><target dev='vda' bus='virtio'/></disk></devices>
        </domain>
        """;

    private static ExternalRevertPlan Check(string xml, SnapshotRevertOptions? options = null, DomainState state = DomainState.Running, string? current = null) =>
        ExternalRevertPreflight.Check(xml, options ?? new SnapshotRevertOptions(), state, XElement.Parse(current ?? Domain("/x/top.qcow2")));

    [Theory]
    [InlineData("disk-snapshot", RevertTarget.AsSnapshot, false, "DefineOnly", DomainState.Shutoff)]
    [InlineData("disk-snapshot", RevertTarget.Running, true, "FreshBoot", DomainState.Running)]
    [InlineData("disk-snapshot", RevertTarget.Paused, true, "FreshBoot", DomainState.Paused)]
    [InlineData("shutoff", RevertTarget.AsSnapshot, false, "DefineOnly", DomainState.Shutoff)]
    [InlineData("shutoff", RevertTarget.Running, false, "FreshBoot", DomainState.Running)]
    [InlineData("running", RevertTarget.AsSnapshot, false, "Restore", DomainState.Running)]
    [InlineData("running", RevertTarget.Paused, false, "Restore", DomainState.Paused)]
    [InlineData("paused", RevertTarget.AsSnapshot, false, "Restore", DomainState.Paused)]
    [InlineData("paused", RevertTarget.Running, false, "Restore", DomainState.Running)]
    public void The_start_and_target_follow_the_snapshot_state_and_request(string state, RevertTarget target, bool force, string start, DomainState end)
    {
        var hasMemory = state is "running" or "paused";
        ExternalRevertPreflight.Decide("s1", state, hasMemory, new SnapshotRevertOptions { Target = target, Force = force })
            .Should().Be((Enum.Parse<RevertStart>(start), end));
    }

    [Theory]
    [InlineData(DomainState.Running, false, DomainSaveRestoreFlags.Running, DomainCreateFlags.None)]
    [InlineData(DomainState.Paused, false, DomainSaveRestoreFlags.Paused, DomainCreateFlags.StartPaused)]
    [InlineData(DomainState.Running, true, DomainSaveRestoreFlags.Running | DomainSaveRestoreFlags.ResetNvram, DomainCreateFlags.StartResetNvram)]
    [InlineData(DomainState.Paused, true, DomainSaveRestoreFlags.Paused | DomainSaveRestoreFlags.ResetNvram, DomainCreateFlags.StartPaused | DomainCreateFlags.StartResetNvram)]
    public void Reset_nvram_reaches_the_restore_and_the_fresh_boot(DomainState end, bool resetNvram, DomainSaveRestoreFlags restore, DomainCreateFlags create)
    {
        var plan = new ExternalRevertPlan("s1", new XElement("domain"), [], null, RevertStart.Restore, end) { ResetNvram = resetNvram };

        plan.RestoreFlags.Should().Be(restore);
        plan.CreateFlags.Should().Be(create);
    }

    [Fact]
    public void The_plan_carries_reset_nvram_from_the_request()
    {
        File.WriteAllText(Frozen, "");
        Check(SnapshotXml("disk-snapshot", null, Frozen), new SnapshotRevertOptions { ResetNvram = true }).ResetNvram.Should().BeTrue();
        Check(SnapshotXml("disk-snapshot", null, Frozen)).ResetNvram.Should().BeFalse();
    }

    [Theory]
    [InlineData(RevertTarget.Running)]
    [InlineData(RevertTarget.Paused)]
    public void Running_a_disk_only_snapshot_needs_force(RevertTarget target)
    {
        var decide = () => ExternalRevertPreflight.Decide("s1", "disk-snapshot", false, new SnapshotRevertOptions { Target = target });
        decide.Should().Throw<SnapshotException>().Where(e => e.Kind == SnapshotErrorKind.BadInput && e.Message.Contains("pass Force") && e.Message.Contains("disk-only"));
    }

    [Fact]
    public void Pmsuspended_snapshots_are_not_supported()
    {
        var decide = () => ExternalRevertPreflight.Decide("s1", "pmsuspended", false, new SnapshotRevertOptions());
        decide.Should().Throw<SnapshotException>().Where(e => e.Kind == SnapshotErrorKind.NotSupported);
    }

    [Fact]
    public void A_missing_frozen_image_or_memory_file_or_definition_is_refused()
    {
        ((Action)(() => Check(SnapshotXml("disk-snapshot", null, Frozen)))).Should().Throw<SnapshotException>()
            .Where(e => e.Kind == SnapshotErrorKind.NotFound && e.Message.Contains("frozen image") && e.Message.Contains(Frozen));
        File.WriteAllText(Frozen, "x");
        Check(SnapshotXml("disk-snapshot", null, Frozen)).Disks.Should().Equal(new FrozenDisk("vda", Frozen, "qcow2"));
        var memory = Path.Combine(_dir, "s1.mem");
        ((Action)(() => Check(SnapshotXml("running", memory, Frozen)))).Should().Throw<SnapshotException>()
            .Where(e => e.Kind == SnapshotErrorKind.NotFound && e.Message.Contains("memory file") && e.Message.Contains("does not exist"));
        File.WriteAllText(memory, "LibvirtQemudPart and more bytes than a header needs to hold, so that only the magic decides........");
        ((Action)(() => Check(SnapshotXml("running", memory, Frozen)))).Should().Throw<SnapshotException>()
            .Where(e => e.Kind == SnapshotErrorKind.BadInput && e.Message.Contains("incomplete"));
        ((Action)(() => Check("<domainsnapshot><name>s1</name><state>running</state></domainsnapshot>"))).Should().Throw<SnapshotException>()
            .Where(e => e.Kind == SnapshotErrorKind.BadInput && e.Message.Contains("no domain definition"));
    }

    [Fact]
    public void A_guest_abi_change_needs_force_while_the_domain_runs()
    {
        File.WriteAllText(Frozen, "x");
        var xml = SnapshotXml("disk-snapshot", null, Frozen, domainType: "kvm");
        ((Action)(() => Check(xml))).Should().Throw<SnapshotException>()
            .Where(e => e.Kind == SnapshotErrorKind.BadInput && e.Message.Contains("ABI") && e.Message.Contains("pass Force"));
        Check(xml, new SnapshotRevertOptions { Force = true }).Start.Should().Be(RevertStart.DefineOnly);
        Check(xml, state: DomainState.Shutoff).Start.Should().Be(RevertStart.DefineOnly);
    }
}
