using Snapshot.Interop;

namespace Snapshot.Engine;

public sealed partial class SnapshotEngine
{
    private Task<SnapshotInfo> RevertExternalAsync(LibvirtDomain dom, SnapshotInfo snapshot, SnapshotRevertOptions options,
        CancellationToken cancellationToken)
    {
        _ = (dom, snapshot, options, cancellationToken, _events);
        throw new SnapshotException(SnapshotErrorKind.NotSupported, "revert to external snapshot not supported yet");
    }
}
