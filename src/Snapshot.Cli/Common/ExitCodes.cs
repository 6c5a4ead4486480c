using Snapshot.Engine;

namespace Snapshot.Cli.Common;

/// <summary>The process exit codes, one per <see cref="SnapshotErrorKind"/>.</summary>
internal static class ExitCodes
{
    public const int Success = 0;
    public const int Failed = 1;
    public const int Usage = 2;
    public const int NotFound = 3;
    public const int NotSupported = 4;
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
        "  130  cancelled (SIGINT, SIGTERM, SIGHUP)\n" +
        "  141  stdout was closed by its reader (as a SIGPIPE death)\n";

    public static int FromKind(SnapshotErrorKind kind) => kind switch
    {
        SnapshotErrorKind.BadInput => Usage,
        SnapshotErrorKind.NotFound => NotFound,
        SnapshotErrorKind.NotSupported => NotSupported,
        SnapshotErrorKind.Cancelled => Cancelled,
        _ => Failed,
    };

    /// <summary>The JSON spelling of a kind (see docs/cli-json.md).</summary>
    public static string KindName(SnapshotErrorKind kind) => kind switch
    {
        SnapshotErrorKind.BadInput => "bad-input",
        SnapshotErrorKind.NotFound => "not-found",
        SnapshotErrorKind.NotSupported => "not-supported",
        SnapshotErrorKind.Cancelled => "cancelled",
        _ => "failed",
    };
}
