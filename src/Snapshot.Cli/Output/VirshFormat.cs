using System.Globalization;
using System.Text;
using Snapshot.Engine;

namespace Snapshot.Cli.Output;

/// <summary>Small formatting rules virsh applies on the client side.</summary>
internal static class VirshFormat
{
    /// <summary>strftime("%Y-%m-%d %H:%M:%S %z") in the local time zone.</summary>
    public static string CreationTime(long unixSeconds) => LocalTime(DateTimeOffset.FromUnixTimeSeconds(unixSeconds), withMilliseconds: false);

    /// <summary>Local time as <c>%Y-%m-%d %H:%M:%S[.mmm] %z</c>.</summary>
    public static string LocalTime(DateTimeOffset time, bool withMilliseconds)
    {
        var local = TimeZoneInfo.ConvertTime(time, TimeZoneInfo.Local);
        var offset = local.Offset;
        var sign = offset < TimeSpan.Zero ? '-' : '+';
        offset = offset.Duration();
        var clock = local.ToString(withMilliseconds ? "yyyy-MM-dd HH:mm:ss.fff" : "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
        return string.Create(CultureInfo.InvariantCulture, $"{clock} {sign}{offset.Hours:00}{offset.Minutes:00}");
    }

    /// <summary>virTimeStringNowRaw: UTC, <c>%Y-%m-%d %H:%M:%S.mmm+0000</c> (event --timestamp).</summary>
    public static string EventTimestamp(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture) + "+0000";

    /// <summary>
    /// virsh's list order when not topological: names compared like g_ascii_strcasecmp (bytes of the
    /// UTF-8 name, ASCII letters folded to lower case).
    /// </summary>
    public static int CompareNames(string a, string b)
    {
        var x = Encoding.UTF8.GetBytes(a);
        var y = Encoding.UTF8.GetBytes(b);
        for (var i = 0; i < Math.Min(x.Length, y.Length); i++)
        {
            var c = Fold(x[i]) - Fold(y[i]);
            if (c != 0)
            {
                return c;
            }
        }

        return x.Length - y.Length;

        static int Fold(byte b) => b is >= (byte)'A' and <= (byte)'Z' ? b + 32 : b;
    }

    public static List<SnapshotInfo> SortByName(IEnumerable<SnapshotInfo> snapshots) => SortByName(snapshots, s => s.Name);

    public static List<SnapshotLink> SortByName(IEnumerable<SnapshotLink> links) => SortByName(links, l => l.Name);

    private static List<T> SortByName<T>(IEnumerable<T> items, Func<T, string> name)
    {
        var list = items.ToList();
        var order = list.Select((s, i) => (s, i)).ToList();
        order.Sort((p, q) => CompareNames(name(p.s), name(q.s)) is var c && c != 0 ? c : p.i - q.i);
        return order.ConvertAll(p => p.s);
    }

    public static string Location(SnapshotLocation location) => location == SnapshotLocation.External ? "external" : "internal";

    public static string YesNo(bool value) => value ? "yes" : "no";

    /// <summary>virsh's three-part version (<c>%d.%d.%d</c>).</summary>
    public static string Version(Version v) =>
        string.Create(CultureInfo.InvariantCulture, $"{v.Major}.{Math.Max(v.Minor, 0)}.{Math.Max(v.Build, 0)}");

    /// <summary>Control characters as virsh escapes them in tables (<c>\x1b</c>), the rest as is.</summary>
    public static string EscapeControls(string text)
    {
        if (!text.Any(char.IsControl))
        {
            return text;
        }

        var sb = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            if (char.IsControl(c))
            {
                sb.Append(CultureInfo.InvariantCulture, $"\\x{(int)c:x2}");
            }
            else
            {
                sb.Append(c);
            }
        }

        return sb.ToString();
    }
}
