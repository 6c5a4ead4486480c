using Snapshot.Interop;

namespace Snapshot.Engine;

/// <summary>
/// The engine boundary's error rule: whatever an engine call throws reaches the caller as a
/// <see cref="SnapshotException"/> of the right kind with the cause inside, except cancellation
/// (<see cref="OperationCanceledException"/>) and misuse (a null argument, a disposed engine).
/// </summary>
internal static class ErrorClassifier
{
    public static SnapshotErrorKind Classify(Exception exception) => exception switch
    {
        SnapshotException s => s.Kind,
        DomainNotFoundException or SnapshotNotFoundException => SnapshotErrorKind.NotFound,
        // libvirt calls a --diskspec naming no disk of the domain an unsupported configuration; the
        // request is what is wrong, as the instant preflight says for the same input.
        UnsupportedConfigurationException u when u.Message.Contains("no disk named", StringComparison.Ordinal) => SnapshotErrorKind.BadInput,
        UnsupportedConfigurationException => SnapshotErrorKind.NotSupported,
        AuthenticationFailedException => SnapshotErrorKind.AccessDenied,
        // "needs --force": the request must change, as with the engine's own risky-revert refusals.
        SnapshotRevertRiskyException => SnapshotErrorKind.BadInput,
        // virCheckFlags: a driver that lacks a flag says so with VIR_ERR_INVALID_ARG.
        LibvirtException { Code: LibvirtErrorCode.InvalidArg } l when l.Message.StartsWith("unsupported flags", StringComparison.Ordinal)
            => SnapshotErrorKind.NotSupported,
        // virDomainMomentObjListAdd: "domain moment NAME already exists" (a snapshot name taken).
        LibvirtException { Code: LibvirtErrorCode.OperationFailed } l when l.Message.EndsWith(" already exists", StringComparison.Ordinal)
            => SnapshotErrorKind.AlreadyExists,
        LibvirtException l => l.Code switch
        {
            LibvirtErrorCode.NoSupport or LibvirtErrorCode.ArgumentUnsupported or LibvirtErrorCode.OperationUnsupported
                => SnapshotErrorKind.NotSupported,
            LibvirtErrorCode.InvalidArg or LibvirtErrorCode.XmlError or LibvirtErrorCode.XmlDetail or LibvirtErrorCode.XmlInvalidSchema
                => SnapshotErrorKind.BadInput,
            LibvirtErrorCode.NoDomain or LibvirtErrorCode.NoDomainSnapshot => SnapshotErrorKind.NotFound,
            LibvirtErrorCode.OperationDenied or LibvirtErrorCode.AccessDenied or LibvirtErrorCode.AuthFailed or LibvirtErrorCode.AuthCancelled
                => SnapshotErrorKind.AccessDenied,
            _ => SnapshotErrorKind.Failed,
        },
        ArgumentException => SnapshotErrorKind.BadInput,
        _ => SnapshotErrorKind.Failed,
    };

    /// <summary>Whether <paramref name="e"/> leaves the engine as it is: already the root type, a cancellation, or misuse.</summary>
    public static bool PassesThrough(Exception e) =>
        e is SnapshotException or OperationCanceledException or ArgumentNullException or ObjectDisposedException;

    /// <summary>The exception the caller sees for <paramref name="e"/>: itself when it passes through, else wrapped.</summary>
    public static Exception AtBoundary(Exception e) =>
        PassesThrough(e) ? e : new SnapshotException(Classify(e), e.Message, e);
}
