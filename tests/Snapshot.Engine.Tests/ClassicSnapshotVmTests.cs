using Snapshot.Engine;
using Snapshot.Interop;
using Snapshot.TestGuest;

namespace Snapshot.Engine.Tests;

/// <summary>Classic snapshots of a real running TCG guest on each stack (Stack).</summary>
[Collection("vm")]
public sealed class ClassicSnapshotVmTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Theory]
    [MemberData(nameof(Stack.Names), MemberType = typeof(Stack))]
    public async Task Internal_snapshot_revert_brings_the_sequence_back_with_memory_and_disk_agreeing(string stack)
    {
        await using var guest = await TestGuest.TestGuest.StartAsync(new TestGuestOptions { Uri = Stack.Named(stack).Uri, Purpose = "classic-int" });
        using var engine = new SnapshotEngine(guest.Connection);

        var before = guest.LatestSequence();
        var snapshot = await engine.Domain(guest.DomainName).CreateAsync(new SnapshotCreateOptions { Name = "internal" });
        var after = guest.LatestSequence();
        snapshot.Location.Should().Be(SnapshotLocation.Internal);
        snapshot.State.Should().Be(SnapshotState.Running);

        await guest.WaitForSequenceAsync(s => s > after + 10, Wait);
        // Paused before the mark: a running guest's old run could print another line after it, before the revert stops it.
        guest.Domain.Suspend();
        var mark = guest.Mark();
        await engine.Domain(guest.DomainName).RevertAsync("internal");

        var resumed = await guest.FirstSequenceAfterAsync(mark, Wait);
        resumed.Should().BeInRange(before + 1, after + 1, "the guest goes on from the snapshot's number");
        await guest.WaitForSequenceAfterAsync(mark, s => s >= resumed + 3, Wait);
        guest.InconsistentLinesAfter(mark).Should().BeEmpty();
        (await engine.Domain(guest.DomainName).GetCurrentAsync())!.Name.Should().Be("internal");

        await engine.Domain(guest.DomainName).DeleteAsync("internal");
        (await engine.Domain(guest.DomainName).ListAsync()).Should().BeEmpty();
    }

    [Theory]
    [MemberData(nameof(Stack.Names), MemberType = typeof(Stack))]
    public async Task External_snapshots_with_memory_and_disk_only_are_recorded_with_their_files(string stack)
    {
        await using var guest = await TestGuest.TestGuest.StartAsync(new TestGuestOptions { Uri = Stack.Named(stack).Uri, Purpose = "classic-ext" });
        using var engine = new SnapshotEngine(guest.Connection);
        var memory = Path.Combine(guest.Directory, "full.mem");
        var overlay1 = Path.Combine(guest.Directory, "full.qcow2");
        var overlay2 = Path.Combine(guest.Directory, "disk-only.qcow2");

        var full = await engine.Domain(guest.DomainName).CreateAsync(new SnapshotCreateOptions
        {
            Name = "full",
            Memory = new MemorySpec(SnapshotMode.External, memory),
            Disks = [new DiskSpec("vda", SnapshotMode.External, "qcow2", null, overlay1)],
        });
        var diskOnly = await engine.Domain(guest.DomainName).CreateAsync(new SnapshotCreateOptions
        {
            Name = "disk-only",
            Disks = [new DiskSpec("vda", SnapshotMode.External, "qcow2", null, overlay2)],
            Modifiers = new SnapshotCreateModifiers { DiskOnly = true, Atomic = true },
        });

        full.Location.Should().Be(SnapshotLocation.External);
        full.MemoryFile.Should().Be(memory);
        full.Disks.Should().ContainSingle(d => d.Name == "vda" && d.File == overlay1 && d.Snapshot == SnapshotMode.External);
        File.Exists(memory).Should().BeTrue();
        diskOnly.IsDiskOnly.Should().BeTrue();
        diskOnly.Parent.Should().Be("full");
        diskOnly.IsCurrent.Should().BeTrue();
        (await engine.Domain(guest.DomainName).ListAsync(new SnapshotListFilter { External = true })).Select(s => s.Name).Should().BeEquivalentTo("full", "disk-only");
        (await engine.Domain(guest.DomainName).ListAsync(new SnapshotListFilter { DiskOnly = true })).Select(s => s.Name).Should().Equal("disk-only");
        guest.Domain.GetXmlDesc().Should().Contain(overlay2, "the domain now writes into the newest overlay");

        // The guest keeps running on the new chain.
        var mark = guest.Mark();
        await guest.WaitForSequenceAfterAsync(mark, _ => true, Wait);
        guest.InconsistentLinesAfter(mark).Should().BeEmpty();
    }

    [Theory]
    [MemberData(nameof(Stack.Names), MemberType = typeof(Stack))]
    public async Task A_bad_request_leaves_the_running_guest_and_its_snapshots_as_they_were(string stack)
    {
        await using var guest = await TestGuest.TestGuest.StartAsync(new TestGuestOptions { Uri = Stack.Named(stack).Uri, Purpose = "classic-bad" });
        using var engine = new SnapshotEngine(guest.Connection);
        await engine.Domain(guest.DomainName).CreateAsync(new SnapshotCreateOptions { Name = "keep" });
        var domainXml = guest.Domain.GetXmlDesc();
        var snapshotXml = (await engine.Domain(guest.DomainName).GetXmlAsync("keep"));

        var requests = new[]
        {
            new SnapshotCreateOptions { Name = "q", Modifiers = new() { Quiesce = true } },
            new SnapshotCreateOptions { Name = "m", Memory = new MemorySpec(SnapshotMode.External, Path.Combine(guest.Directory, "x.mem")), Modifiers = new() { DiskOnly = true } },
            new SnapshotCreateOptions { Name = "i", Modifiers = new() { Instant = true } },
        };
        foreach (var request in requests)
        {
            var act = () => engine.Domain(guest.DomainName).CreateAsync(request);
            (await act.Should().ThrowAsync<SnapshotException>()).Which.Kind.Should().Be(SnapshotErrorKind.BadInput);
        }
        var missing = () => engine.Domain(guest.DomainName).RevertAsync("missing");
        (await missing.Should().ThrowExactlyAsync<SnapshotException>()).Which.InnerException.Should().BeOfType<SnapshotNotFoundException>();

        guest.Domain.GetState().State.Should().Be(DomainState.Running);
        guest.Domain.GetXmlDesc().Should().Be(domainXml);
        (await engine.Domain(guest.DomainName).ListAsync()).Select(s => s.Name).Should().Equal("keep");
        (await engine.Domain(guest.DomainName).GetXmlAsync("keep")).Should().Be(snapshotXml);
        File.Exists(Path.Combine(guest.Directory, "x.mem")).Should().BeFalse();
    }

    [Theory]
    [MemberData(nameof(Stack.Names), MemberType = typeof(Stack))]
    public async Task Deleting_an_external_chain_with_children_merges_leaves_first_and_removes_memory_files(string stack)
    {
        await using var guest = await TestGuest.TestGuest.StartAsync(new TestGuestOptions { Uri = Stack.Named(stack).Uri, Purpose = "classic-del" });
        using var engine = new SnapshotEngine(guest.Connection);
        SnapshotCreateOptions External(string name, bool memory) => new()
        {
            Name = name,
            Memory = memory ? new MemorySpec(SnapshotMode.External, Path.Combine(guest.Directory, name + ".mem")) : null,
            Disks = [new DiskSpec("vda", SnapshotMode.External, "qcow2", null, Path.Combine(guest.Directory, name + ".qcow2"))],
            Modifiers = new SnapshotCreateModifiers { DiskOnly = !memory },
        };
        await engine.Domain(guest.DomainName).CreateAsync(External("e1", memory: true));
        await engine.Domain(guest.DomainName).CreateAsync(External("e2", memory: false));
        await engine.Domain(guest.DomainName).CreateAsync(External("e3", memory: true));
        var mark = guest.Mark();

        await engine.Domain(guest.DomainName).DeleteAsync("e1", new SnapshotDeleteOptions(SnapshotDeleteMode.Children));

        (await engine.Domain(guest.DomainName).ListAsync()).Should().BeEmpty();
        File.Exists(Path.Combine(guest.Directory, "e1.mem")).Should().BeFalse();
        File.Exists(Path.Combine(guest.Directory, "e3.mem")).Should().BeFalse();
        guest.Domain.GetXmlDesc().Should().Contain(guest.DiskPath, "every overlay was merged back into the base image");
        await guest.WaitForSequenceAfterAsync(mark, _ => true, Wait);
        guest.InconsistentLinesAfter(mark).Should().BeEmpty();
    }
}
