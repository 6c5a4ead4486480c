using System.Text;

namespace Snapshot.Cli.Output;

/// <summary>
/// Whether virsh would run in a UTF-8 locale here: virsh calls <c>setlocale(LC_ALL, "")</c>, which takes
/// each category from <c>LC_ALL</c>, else <c>LC_&lt;category&gt;</c>, else <c>LANG</c>, and fails as a whole,
/// leaving the C locale, when any named locale is not installed. Only the character type's codeset then
/// matters to its table. Read at each use: the environment is the process's.
/// </summary>
internal static class VirshLocale
{
    private static readonly string[] Categories =
    [
        "LC_CTYPE", "LC_NUMERIC", "LC_TIME", "LC_COLLATE", "LC_MONETARY", "LC_MESSAGES", "LC_PAPER",
        "LC_NAME", "LC_ADDRESS", "LC_TELEPHONE", "LC_MEASUREMENT", "LC_IDENTIFICATION",
    ];

    private const string LocaleDir = "/usr/lib/locale";

    public static bool IsUtf8()
    {
        var names = Categories.ToDictionary(c => c, Effective, StringComparer.Ordinal);
        if (!names.Values.All(IsLoadable))
        {
            return false;
        }

        return Codeset(names["LC_CTYPE"]) == "utf8";
    }

    private static string Effective(string category) =>
        new[] { "LC_ALL", category, "LANG" }.Select(Environment.GetEnvironmentVariable).FirstOrDefault(v => !string.IsNullOrEmpty(v)) ?? "C";

    private static bool IsLoadable(string name)
    {
        if (name is "C" or "POSIX")
        {
            return true;
        }

        if (name.Contains('/', StringComparison.Ordinal) || name == "." || name == "..")
        {
            return false;
        }

        // glibc tries the name as given and with its codeset normalized (en_US.UTF-8 -> en_US.utf8), in
        // its locale archive and as a directory.
        var normalized = Normalized(name);
        if (Directory.Exists(Path.Combine(LocaleDir, name)) || Directory.Exists(Path.Combine(LocaleDir, normalized)))
        {
            return true;
        }

        var archive = Path.Combine(LocaleDir, "locale-archive");
        if (!File.Exists(archive))
        {
            return false;
        }

        return ArchiveHolds(archive, normalized) || ArchiveHolds(archive, name);
    }

    /// <summary>
    /// Whether the archive's string area holds the name. Read in chunks, not whole: with every locale
    /// generated the archive runs to hundreds of megabytes, and a table is printed on every snapshot-list.
    /// </summary>
    internal static bool ArchiveHolds(string archive, string name)
    {
        var needle = Encoding.ASCII.GetBytes(name + "\0");
        var buffer = new byte[1 << 20];
        using var stream = new FileStream(archive, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0);
        var kept = 0;
        int read;
        while ((read = stream.Read(buffer, kept, buffer.Length - kept)) > 0)
        {
            var filled = kept + read;
            if (buffer.AsSpan(0, filled).IndexOf(needle) >= 0)
            {
                return true;
            }

            // A name may straddle two chunks: the next one starts with this one's tail.
            kept = Math.Min(needle.Length - 1, filled);
            buffer.AsSpan(filled - kept, kept).CopyTo(buffer);
        }

        return false;
    }

    private static string Normalized(string name)
    {
        var dot = name.IndexOf('.', StringComparison.Ordinal);
        if (dot < 0)
        {
            return name;
        }

        var at = name.IndexOf('@', dot);
        var modifier = at < 0 ? "" : name[at..];
        return name[..dot] + "." + Codeset(name) + modifier;
    }

    /// <summary>glibc's normalized codeset: letters lowercased and digits, nothing else ("UTF-8" -> "utf8").</summary>
    private static string Codeset(string name)
    {
        var dot = name.IndexOf('.', StringComparison.Ordinal);
        if (dot < 0)
        {
            return "";
        }

        var at = name.IndexOf('@', dot);
        var codeset = at < 0 ? name[(dot + 1)..] : name[(dot + 1)..at];
        return string.Concat(codeset.Where(char.IsAsciiLetterOrDigit).Select(char.ToLowerInvariant));
    }
}
