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
