namespace Snapshot.Engine;

/// <summary>An engine-level failure: a rule the request broke or a step that failed, with its kind.</summary>
public class SnapshotException : Exception
{
    /// <summary>A <see cref="SnapshotErrorKind.Failed"/> failure with a default message.</summary>
    public SnapshotException() : this(SnapshotErrorKind.Failed, "snapshot operation failed") { }

    /// <summary>A <see cref="SnapshotErrorKind.Failed"/> failure with <paramref name="message"/>.</summary>
    public SnapshotException(string message) : this(SnapshotErrorKind.Failed, message) { }

    /// <summary>A <see cref="SnapshotErrorKind.Failed"/> failure with <paramref name="message"/>, caused by <paramref name="innerException"/>.</summary>
    public SnapshotException(string message, Exception innerException) : this(SnapshotErrorKind.Failed, message, innerException) { }

    /// <summary>A failure of <paramref name="kind"/> with <paramref name="message"/>, optionally caused by <paramref name="innerException"/>.</summary>
    public SnapshotException(SnapshotErrorKind kind, string message, Exception? innerException = null)
        : base(message, innerException) => Kind = kind;

    /// <summary>The failure's kind.</summary>
    public SnapshotErrorKind Kind { get; }
}
