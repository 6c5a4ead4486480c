using Snapshot.Interop;

namespace Snapshot.Engine;

internal static class ErrorClassifier
{
    public static SnapshotErrorKind Classify(Exception exception) => exception switch
    {
        SnapshotException s => s.Kind,
        OperationCanceledException => SnapshotErrorKind.Cancelled,
        DomainNotFoundException or SnapshotNotFoundException => SnapshotErrorKind.NotFound,
        UnsupportedConfigurationException => SnapshotErrorKind.NotSupported,
        // "needs --force": the request must change, as with the engine's own risky-revert refusals.
        SnapshotRevertRiskyException => SnapshotErrorKind.BadInput,
        // virCheckFlags: a driver that lacks a flag says so with VIR_ERR_INVALID_ARG.
        LibvirtException { Code: LibvirtErrorCode.InvalidArg } l when l.Message.StartsWith("unsupported flags", StringComparison.Ordinal)
            => SnapshotErrorKind.NotSupported,
        LibvirtException l => l.Code switch
        {
            LibvirtErrorCode.NoSupport or LibvirtErrorCode.ArgumentUnsupported or LibvirtErrorCode.OperationUnsupported
                => SnapshotErrorKind.NotSupported,
            LibvirtErrorCode.InvalidArg or LibvirtErrorCode.XmlError or LibvirtErrorCode.XmlDetail or LibvirtErrorCode.XmlInvalidSchema
                => SnapshotErrorKind.BadInput,
            LibvirtErrorCode.NoDomain or LibvirtErrorCode.NoDomainSnapshot => SnapshotErrorKind.NotFound,
            _ => SnapshotErrorKind.Failed,
        },
        ArgumentException => SnapshotErrorKind.BadInput,
        _ => SnapshotErrorKind.Failed,
    };
}
