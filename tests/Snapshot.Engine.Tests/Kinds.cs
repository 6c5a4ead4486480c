namespace Snapshot.Engine.Tests;

/// <summary>The engine's one error root: every failure is a <see cref="SnapshotException"/>; its kind.</summary>
internal static class Kinds
{
    public static SnapshotErrorKind Of(Exception e) => e.Should().BeOfType<SnapshotException>().Subject.Kind;
}
