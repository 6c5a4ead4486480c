namespace Snapshot.Engine;

public sealed partial class SnapshotEngine
{
    private Task<SnapshotInfo> CreateInstantAsync(string domain, SnapshotCreateOptions options,
        IProgress<SnapshotProgress>? progress, CancellationToken cancellationToken)
    {
        _ = (domain, options, progress, cancellationToken, SnapshotPointTaken);
        throw new SnapshotException(SnapshotErrorKind.NotSupported, "instant snapshots are not available yet");
    }
}
