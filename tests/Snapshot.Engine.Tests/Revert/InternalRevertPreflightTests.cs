namespace Snapshot.Engine.Tests.Revert;

/// <summary>
/// Which snapshots keep a revert to an internal one from rewriting its image, read from the snapshots' XML and
/// the images' backing chains (given here, as qemu-img would read them).
/// </summary>
public sealed class InternalRevertPreflightTests
{
    private const string Base = "/x/disk.qcow2";

    private static readonly Dictionary<string, string[]> s_chains = new(StringComparer.Ordinal)
    {
        [Base] = [Base],
        ["/x/e1.qcow2"] = ["/x/e1.qcow2", Base],
        ["/x/e2.qcow2"] = ["/x/e2.qcow2", "/x/e1.qcow2", Base],
        ["/x/e1.e1-revert-1.qcow2"] = ["/x/e1.e1-revert-1.qcow2", Base],
    };

    private static string Internal(string name, string image) => $"""
        <domainsnapshot><name>{name}</name><state>running</state><memory snapshot='internal'/>
          <disks><disk name='vda' snapshot='internal'/></disks>{Domain(image)}
        </domainsnapshot>
        """;

    private static string External(string name, string frozen, string overlay) => $"""
        <domainsnapshot><name>{name}</name><state>disk-snapshot</state><memory snapshot='no'/>
          <disks><disk name='vda' snapshot='external' type='file'><source file='{overlay}'/></disk></disks>{Domain(frozen)}
        </domainsnapshot>
        """;

    private static string Domain(string disk) =>
        $"<domain type='qemu'><name>g</name><devices><disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='{disk}'/><target dev='vda' bus='virtio'/></disk></devices></domain>";

    private static async Task<string?> RefusalAsync(string current, params (string Name, string Xml)[] others) =>
        (await InternalRevertPreflight.RefusalAsync("i", Internal("i", Base), others, new Dictionary<string, string> { ["vda"] = current },
            image => Task.FromResult<IReadOnlyList<string>>(s_chains.TryGetValue(image, out var chain) ? chain : [])))?.Message;

    [Fact]
    public async Task An_external_snapshot_that_froze_the_image_and_one_above_it_are_named_in_one_line()
    {
        var refusal = await RefusalAsync(Base, ("e1", External("e1", Base, "/x/e1.qcow2")), ("e2", External("e2", "/x/e1.qcow2", "/x/e2.qcow2")));

        refusal.Should().Be("reverting to internal snapshot 'i' would rewrite /x/disk.qcow2 in place (QEMU's loadvm), which snapshots 'e1', 'e2' depend on: "
            + "delete those snapshots first (or revert to one of them instead)");
    }

    [Fact]
    public async Task An_internal_snapshot_in_an_overlay_backed_by_the_image_depends_on_it()
    {
        var refusal = await RefusalAsync(Base, ("j", Internal("j", "/x/e1.e1-revert-1.qcow2")));

        refusal.Should().EndWith("which snapshot 'j' depends on: delete that snapshot first (or revert to it instead)");
    }

    [Fact]
    public async Task A_current_disk_backed_by_the_image_depends_on_it_unless_the_revert_discards_it()
    {
        var refusal = await RefusalAsync("/x/e1.qcow2", ("e1", External("e1", Base, "/x/e1.qcow2")));
        var discarded = await InternalRevertPreflight.RefusalAsync("i", Internal("i", Base), [], new Dictionary<string, string>(), _ => throw new InvalidOperationException());

        refusal.Should().EndWith("which snapshot 'e1' and the domain's current disk vda (/x/e1.qcow2) depend on: "
            + "delete that snapshot first (or revert to it instead), and pass DiscardCurrent to discard the state the current disk holds");
        (await RefusalAsync("/x/e1.e1-revert-1.qcow2")).Should().EndWith("which the domain's current disk vda (/x/e1.e1-revert-1.qcow2) depends on: "
            + "pass DiscardCurrent to discard the state the current disk holds");
        discarded.Should().BeNull();
    }

    [Fact]
    public async Task Another_internal_snapshot_in_the_same_image_and_an_external_one_taken_below_it_are_no_dependants()
    {
        // e0 froze the image below the one holding i: loadvm of i rewrites only e0's overlay, the state after e0.
        var refusal = await RefusalAsync(Base, ("i2", Internal("i2", Base)), ("e0", External("e0", "/x/below.qcow2", Base)));

        refusal.Should().BeNull();
    }
}
