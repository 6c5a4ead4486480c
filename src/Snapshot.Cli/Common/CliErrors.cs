using Snapshot.Engine;

namespace Snapshot.Cli.Common;

/// <summary>The errors the CLI itself raises (option rules virsh checks on the client side).</summary>
internal static class CliErrors
{
    public static SnapshotException Usage(string message) => new(SnapshotErrorKind.BadInput, message);

    public static SnapshotException NotFound(string message) => new(SnapshotErrorKind.NotFound, message);

    public static SnapshotException NotSupported(string message) => new(SnapshotErrorKind.NotSupported, message);

    /// <summary>virsh's <c>VSH_EXCLUSIVE_OPTIONS</c> message.</summary>
    public static SnapshotException Exclusive(string a, string b) => Usage($"Options --{a} and --{b} are mutually exclusive");

    /// <summary>
    /// virsh's refusal of an empty data option (an empty name once made an auto-named snapshot, an empty
    /// domain reached libvirt).
    /// </summary>
    public static string? ThrowIfEmpty(string? value, string option) =>
        value is { Length: 0 } ? throw Usage($"Failed to get option '{option}': Option argument is empty") : value;

    public static void ThrowIfBoth(bool a, string aName, bool b, string bName)
    {
        if (a && b)
        {
            throw Exclusive(aName, bName);
        }
    }
}

/// <summary>
/// A usage error virsh reports while parsing, before the command runs (so without the blank line
/// virsh prints after every command it ran).
/// </summary>
internal sealed class ParseUsageException : Exception
{
    public ParseUsageException() { }

    public ParseUsageException(string message) : base(message) { }

    public ParseUsageException(string message, Exception innerException) : base(message, innerException) { }
}
