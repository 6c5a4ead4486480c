using Snapshot.Engine;

namespace Snapshot.Cli.Common;

/// <summary>The process exit codes, and which failure gets which.</summary>
internal static class ExitCodes
{
    public const int Success = 0;
    public const int Failed = 1;
    public const int Usage = 2;
    public const int NotFound = 3;
    public const int NotSupported = 4;
    public const int Busy = 5;
    public const int Cancelled = 130;

    /// <summary>stdout's reader went away (<c>| head -1</c>): what a shell reports for a SIGPIPE death, 128 + 13.</summary>
    public const int ReaderGone = 141;

    /// <summary>Printed after every <c>--help</c>.</summary>
    public const string HelpEpilog =
        "Exit codes:\n" +
        "  0    success\n" +
        "  1    the operation failed\n" +
        "  2    bad usage or input (unknown option, conflicting flags, bad XML or spec)\n" +
        "  3    domain or snapshot not found\n" +
        "  4    not supported on this host\n" +
        "  5    busy: another operation runs on the domain (retry later)\n" +
        "  130  cancelled (SIGINT, SIGTERM, SIGHUP)\n" +
        "  141  stdout was closed by its reader (as a SIGPIPE death)\n";

    /// <summary>The exit code of a failure and its JSON kind (see docs/cli-json.md).</summary>
    public static (int Code, string Kind) Of(Exception error) => error switch
    {
        ParseUsageException => (Usage, "bad-input"),
        OperationCanceledException => (Cancelled, "cancelled"),
        SnapshotException s => s.Kind switch
        {
            SnapshotErrorKind.BadInput => (Usage, "bad-input"),
            SnapshotErrorKind.NotFound => (NotFound, "not-found"),
            SnapshotErrorKind.NotSupported => (NotSupported, "not-supported"),
            SnapshotErrorKind.Busy => (Busy, "busy"),
            // A taken name and a read-only refusal exit 1 with kind "failed", as virsh's (docs/cli.md).
            _ => (Failed, "failed"),
        },
        ArgumentException => (Usage, "bad-input"),
        _ => (Failed, "failed"),
    };
}
