using Snapshot.Engine;

namespace Snapshot.Engine.Tests;

public class CreateRulesTests
{
    public static TheoryData<SnapshotCreateOptions, string> Violations() => new()
    {
        { Request(new() { Quiesce = true }), "Modifiers.Quiesce requires Modifiers.DiskOnly" },
        { Request(new() { Live = true, Redefine = true }), "Modifiers.Live cannot go with Modifiers.Redefine" },
        { Request(new() { Halt = true, Redefine = true }), "Modifiers.Halt cannot go with Modifiers.Redefine" },
        { Request(new() { NoMetadata = true, Redefine = true }), "Modifiers.NoMetadata cannot go with Modifiers.Redefine" },
        { Request(new() { Current = true }), "Modifiers.Current requires Modifiers.Redefine" },
        { Request(new() { Live = true, DiskOnly = true }), "Modifiers.Live applies to snapshots with memory" },
        { Request(new() { DiskOnly = true }, new MemorySpec(SnapshotMode.External, "/m")), "Memory cannot go with Modifiers.DiskOnly" },
        { Request(new() { Instant = true, DiskOnly = true }, new MemorySpec(null, "/m")), "Modifiers.Instant cannot go with Modifiers.DiskOnly" },
        { Request(new() { Instant = true, Redefine = true }, new MemorySpec(null, "/m")), "Modifiers.Instant cannot go with Modifiers.Redefine" },
        { Request(new() { Instant = true }), "Modifiers.Instant needs a memory file" },
        { Request(new() { Instant = true }, new MemorySpec(SnapshotMode.Internal, "/m")), "Modifiers.Instant needs a memory file" },
        { Request(new() { Instant = true }, new MemorySpec(null, "/m"), new DiskSpec("vda", SnapshotMode.Internal)), "Modifiers.Instant takes external disk snapshots only" },
        { Request(new(), null, new DiskSpec("vda"), new DiskSpec("vda")), "disk 'vda' is given more than once" },
    };

    [Theory]
    [MemberData(nameof(Violations))]
    public void Each_violation_is_one_clear_bad_input_error(SnapshotCreateOptions request, string message)
    {
        var act = () => SnapshotEngine.BuildXml(request);
        act.Should().Throw<SnapshotException>()
            .Where(e => e.Kind == SnapshotErrorKind.BadInput && e.Message.StartsWith(message, StringComparison.Ordinal) && !e.Message.Contains('\n', StringComparison.Ordinal));
    }

    [Fact]
    public void Messages_name_options_in_the_library_words_and_a_caller_can_spell_them_as_flags()
    {
        var act = () => SnapshotEngine.BuildXml(Request(new() { Instant = true }, new MemorySpec(null, "/m"), new DiskSpec("vda"), new DiskSpec("vda")));
        var e = act.Should().Throw<SnapshotException>().Which;
        e.Message.Should().Be("disk 'vda' is given more than once in Disks");
        e.FormatMessage((option, disk) => $"<{option}|{disk}>").Should().Be("disk 'vda' is given more than once in <Disks|>");

        var instant = () => SnapshotEngine.BuildXml(Request(new() { Instant = true, DiskOnly = true }, new MemorySpec(null, "/m")));
        instant.Should().Throw<SnapshotException>().Which.FormatMessage((option, _) => option.ToUpperInvariant())
            .Should().StartWith("MODIFIERS.INSTANT cannot go with MODIFIERS.DISKONLY: ");
    }

    [Fact]
    public void An_empty_name_is_an_error_not_no_name()
    {
        var act = () => SnapshotEngine.BuildXml(new SnapshotCreateOptions { Name = "" });
        act.Should().Throw<SnapshotException>().Where(e => e.Kind == SnapshotErrorKind.BadInput && e.Message.StartsWith("Name is empty", StringComparison.Ordinal));
        SnapshotEngine.BuildXml(new SnapshotCreateOptions { Name = null }).Should().StartWith("<domainsnapshot");
    }

    [Fact]
    public void Requests_and_snapshots_are_equal_by_content_and_print_their_disks()
    {
        var a = Request(new(), null, DiskSpec.External("vda", "/o"), DiskSpec.Excluded("vdb"));
        var b = Request(new(), null, [.. new List<DiskSpec> { new("vda", SnapshotMode.External, File: "/o"), new("vdb", SnapshotMode.No) }]);
        a.Should().Be(b);
        a.GetHashCode().Should().Be(b.GetHashCode());
        a.ToString().Should().Contain("Disks = [DiskSpec { Name = vda, Snapshot = External, Driver = , SourceType = , File = /o }, DiskSpec { Name = vdb");

        var s1 = new SnapshotInfo { Domain = "d", Name = "s", State = SnapshotState.Running, CreationTimeUnix = 1, Location = SnapshotLocation.External, Disks = new List<SnapshotDisk> { new("vda", SnapshotMode.External, "qcow2", "/o") } };
        var s2 = s1 with { Disks = [new SnapshotDisk("vda", SnapshotMode.External, "qcow2", "/o")] };
        s1.Should().Be(s2);
        s1.ToString().Should().NotContain("List`1");
    }

    [Fact]
    public void Valid_combinations_pass()
    {
        var ok = new[]
        {
            Request(new() { DiskOnly = true, Quiesce = true, Atomic = true }),
            Request(new() { Redefine = true, Current = true }),
            Request(new() { Live = true }, new MemorySpec(SnapshotMode.External, "/m")),
            Request(new() { Instant = true }, new MemorySpec(null, "/m"), new DiskSpec("vda", SnapshotMode.External, "qcow2", null, "/o")),
            Request(new() { DiskOnly = true }, new MemorySpec(SnapshotMode.No, null)),
        };
        foreach (var request in ok)
            SnapshotEngine.BuildXml(request).Should().StartWith("<domainsnapshot");
    }

    private static SnapshotCreateOptions Request(SnapshotCreateModifiers modifiers, MemorySpec? memory = null, params DiskSpec[] disks) =>
        new() { Modifiers = modifiers, Memory = memory, Disks = disks };
}
