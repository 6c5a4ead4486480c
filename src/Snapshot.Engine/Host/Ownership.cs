using System.Globalization;
using Snapshot.Interop;

namespace Snapshot.Engine;

/// <summary>
/// A local file's owner set in this process (<see cref="FileOwner"/>), never a <c>chown</c> process: the overlays and
/// the memory file QEMU opens are made on the way to an instant snapshot's point, where a process start costs
/// milliseconds. Symbolic links are never followed on the file changed.
/// </summary>
internal static class Ownership
{
    /// <summary>Gives <paramref name="path"/> the owner and group of <paramref name="reference"/> (as <c>chown --no-dereference --reference</c>).</summary>
    public static void CopyFrom(string reference, string path)
    {
        var (user, group) = FileOwner.Of(reference);
        FileOwner.Set(path, user, group);
    }

    /// <summary>Gives <paramref name="path"/> the numeric <c>uid:gid</c> <paramref name="owner"/>.</summary>
    public static void Set(string path, string owner)
    {
        var parts = owner.Split(':');
        if (parts.Length != 2 || !uint.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var user)
            || !uint.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var group))
            throw new ArgumentException($"'{owner}' is not a numeric uid:gid", nameof(owner));
        FileOwner.Set(path, user, group);
    }
}
