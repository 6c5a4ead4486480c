using Snapshot.Engine.Tests.Faults;

namespace Snapshot.Engine.Tests.Delete;

/// <summary>
/// Delete removes a deleted snapshot's memory file only when it is a libvirt save image (its magic) that no
/// remaining snapshot names: a plain file named as a snapshot's memory file (a redefined snapshot can name
/// any file) is left in place, as virsh leaves it.
/// </summary>
public sealed class MemoryFileRemovalTests
{
    [Theory]
    [InlineData("my notes, not a save image\n")]
    [InlineData("")]
    [InlineData("LibvirtQemud")]
    public async Task A_file_that_is_not_a_save_image_is_left_in_place(string text)
    {
        using var node = new FaultNode(new FaultHook());
        node.SeedExternal("a", "running", memoryText: text);

        await node.Engine.Domain(FaultNode.Domain).DeleteAsync("a");

        node.SnapshotNames().Should().BeEmpty();
        File.ReadAllText(node.Path("a.mem")).Should().Be(text, "the file is not libvirt's, so delete must not remove it");
    }

    [Fact]
    public async Task A_save_image_no_other_snapshot_names_is_removed_and_one_still_named_is_kept()
    {
        using var node = new FaultNode(new FaultHook());
        node.SeedExternal("a", "running");
        node.SeedExternal("b", "running", parent: "a", current: true);
        File.Copy(node.Path("b.mem"), node.Path("a.mem"), overwrite: true);

        await node.Engine.Domain(FaultNode.Domain).DeleteAsync("b");

        File.Exists(node.Path("b.mem")).Should().BeFalse();
        File.Exists(node.Path("a.mem")).Should().BeTrue();
    }
}
