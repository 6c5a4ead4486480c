namespace Snapshot.Engine.Tests.Delete;

/// <summary>The planner's rule: only free layers merge, in the direction that copies fewer bytes, never through an image others depend on.</summary>
public sealed class LayerMergePlannerTests
{
    private static readonly ChainImage Active = new("/v/active.qcow2", "qcow2", 100);
    private static readonly ChainImage Middle = new("/v/middle.qcow2", "qcow2", 5000);
    private static readonly ChainImage Base = new("/v/base.qcow2", "qcow2", 90000);
    private static readonly ChainImage[] Chain = [Active, Middle, Base];
    private static readonly HashSet<string> None = new(StringComparer.Ordinal);

    private static HashSet<string> Set(params ChainImage[] images) => images.Select(i => i.File).ToHashSet(StringComparer.Ordinal);

    [Fact]
    public void A_free_middle_layer_of_a_running_chain_takes_the_cheaper_way()
    {
        var merge = LayerMergePlanner.Next("vda", Chain, Set(Middle), None, None, online: true)!;
        merge.Direction.Should().Be(MergeDirection.Down, "committing the 100-byte active layer copies less than pulling 5000");
        merge.Removed.Should().Be(Active.File);
        merge.Kept.Should().Be(Middle.File);
        merge.Bytes.Should().Be(100);
        merge.UpperIsActive.Should().BeTrue();
    }

    [Fact]
    public void Pulling_up_wins_when_the_free_layer_is_the_smaller()
    {
        var big = Active with { Bytes = 900000 };
        var merge = LayerMergePlanner.Next("vda", [big, Middle, Base], Set(Middle), None, None, online: true)!;
        merge.Direction.Should().Be(MergeDirection.Up);
        merge.Removed.Should().Be(Middle.File);
        merge.Below.Should().Be(Base);
    }

    [Fact]
    public void A_layer_a_remaining_snapshot_names_or_another_image_is_backed_by_is_not_free()
    {
        LayerMergePlanner.Next("vda", Chain, Set(Middle), Set(Middle), None, online: true).Should().BeNull();
        LayerMergePlanner.Next("vda", Chain, Set(Middle), None, Set(Middle, Base), online: true).Should().BeNull();
        LayerMergePlanner.Next("vda", Chain, None, None, None, online: true).Should().BeNull("only the deleted snapshot's files and revert layers are candidates");
    }

    [Fact]
    public void Under_a_layer_others_are_backed_by_a_running_chain_cannot_merge_but_a_stopped_one_pulls()
    {
        var top = new ChainImage("/v/top.qcow2", "qcow2", 10);
        ChainImage[] chain = [top, Active, Middle, Base];
        var outside = Set(Active, Middle, Base);
        outside.Remove(Middle.File);
        LayerMergePlanner.Next("vda", chain, Set(Middle), None, outside, online: true).Should().BeNull("QEMU pulls only into its active layer");
        var merge = LayerMergePlanner.Next("vda", chain, Set(Middle), None, outside, online: false)!;
        merge.Direction.Should().Be(MergeDirection.Up);
        merge.Above.Should().Be(top);
    }

    [Fact]
    public void A_free_base_only_takes_the_layer_above_it_in_however_small_it_is()
    {
        var big = Active with { Bytes = 900000 };
        var merge = LayerMergePlanner.Next("vda", [big, Base with { Bytes = 10 }], Set(Base), None, None, online: false)!;
        merge.Direction.Should().Be(MergeDirection.Down, "the base is the domain's own disk file, never removed");
        merge.Kept.Should().Be(Base.File);
    }

    [Fact]
    public void A_merge_that_would_keep_the_deleted_snapshots_overlay_comes_second()
    {
        var overlay = Active with { Bytes = 900000 };
        var merge = LayerMergePlanner.Next("vda", [overlay, Middle, Base], Set(overlay, Middle), None, None, online: false, Set(overlay))!;
        merge.Direction.Should().Be(MergeDirection.Down, "pulling up would leave the domain on a file named for a snapshot that is gone");
        merge.Removed.Should().Be(overlay.File);
    }

    [Fact]
    public void A_merge_never_removes_a_file_not_made_for_a_snapshot()
    {
        // The active layer is the user's own overlay: committing it down would remove it, so only the pull remains.
        var merge = LayerMergePlanner.Next("vda", Chain, Set(Middle), None, None, online: true, removable: Set(Middle))!;
        merge.Direction.Should().Be(MergeDirection.Up, "the cheaper commit would remove the user's active overlay");
        merge.Removed.Should().Be(Middle.File);
        LayerMergePlanner.Next("vda", Chain, Set(Middle), None, None, online: true, removable: None)
            .Should().BeNull("the free layer itself is the user's: neither way may remove a file");
        var top = new ChainImage("/v/top.qcow2", "qcow2", 10);
        LayerMergePlanner.Next("vda", [top, Active, Middle, Base], Set(Middle), None, None, online: true, removable: Set(Middle))
            .Should().BeNull("QEMU pulls only into its active layer, and the commit would remove the user's file");
    }
}
