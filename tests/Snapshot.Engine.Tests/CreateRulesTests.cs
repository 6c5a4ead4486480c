using Snapshot.Engine;

namespace Snapshot.Engine.Tests;

public class CreateRulesTests
{
    public static TheoryData<SnapshotCreateOptions, string> Violations() => new()
    {
        { Request(new() { Quiesce = true }), "--quiesce requires --disk-only" },
        { Request(new() { Live = true, Redefine = true }), "--live cannot go with --redefine" },
        { Request(new() { Halt = true, Redefine = true }), "--halt cannot go with --redefine" },
        { Request(new() { NoMetadata = true, Redefine = true }), "--no-metadata cannot go with --redefine" },
        { Request(new() { Current = true }), "--current requires --redefine" },
        { Request(new() { Live = true, DiskOnly = true }), "--live applies to snapshots with memory" },
        { Request(new() { DiskOnly = true }, new MemorySpec("external", "/m")), "--memspec cannot go with --disk-only" },
        { Request(new() { Instant = true, DiskOnly = true }, new MemorySpec(null, "/m")), "--instant cannot go with --disk-only" },
        { Request(new() { Instant = true, Redefine = true }, new MemorySpec(null, "/m")), "--instant cannot go with --redefine" },
        { Request(new() { Instant = true }), "--instant needs a memory file" },
        { Request(new() { Instant = true }, new MemorySpec("internal", "/m")), "--instant needs a memory file" },
        { Request(new() { Instant = true }, new MemorySpec(null, "/m"), new DiskSpec("vda", "internal")), "--instant takes external disk snapshots only" },
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
    public void Valid_combinations_pass()
    {
        var ok = new[]
        {
            Request(new() { DiskOnly = true, Quiesce = true, Atomic = true }),
            Request(new() { Redefine = true, Current = true }),
            Request(new() { Live = true }, new MemorySpec("external", "/m")),
            Request(new() { Instant = true }, new MemorySpec(null, "/m"), new DiskSpec("vda", "external", "qcow2", null, "/o")),
            Request(new() { DiskOnly = true }, new MemorySpec("no", null)),
        };
        foreach (var request in ok)
            SnapshotEngine.BuildXml(request).Should().StartWith("<domainsnapshot");
    }

    private static SnapshotCreateOptions Request(SnapshotCreateModifiers modifiers, MemorySpec? memory = null, params DiskSpec[] disks) =>
        new() { Modifiers = modifiers, Memory = memory, Disks = disks };
}
