using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Unicode;

namespace Snapshot.Cli.Common;

/// <summary>
/// Input that is not UTF-8 is refused: decoded, its bad bytes would all become U+FFFD, and different
/// bytes would name the same snapshot (a delete of <c>$'\xc0'</c> once deleted the snapshot named "\uFFFD").
/// </summary>
internal static class Utf8Input
{
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// The first command-line argument that is not UTF-8, as a message; null when all are.
    /// .NET decodes argv before Main, so the bytes are read again from the kernel's copy of them.
    /// </summary>
    public static string? CheckArguments(IReadOnlyList<string> args) =>
        RawArguments(args.Count) is { } raw && Matches(raw, args) ? FirstInvalid(raw) : null;

    /// <summary>The first argument in <paramref name="raw"/> that is not UTF-8, as a message; null when all are.</summary>
    public static string? FirstInvalid(IReadOnlyList<byte[]> raw)
    {
        for (var i = 0; i < raw.Count; i++)
        {
            if (InvalidAt(raw[i]) >= 0)
            {
                return $"Input is not proper UTF-8: argument {(i + 1).ToString(CultureInfo.InvariantCulture)} '{EscapeBytes(raw[i])}'";
            }
        }

        return null;
    }

    /// <summary>A file's text, refused (exit 2) unless it is UTF-8 (a byte order mark is dropped, as File.ReadAllText does).</summary>
    public static string DecodeFile(string path, byte[] bytes)
    {
        ReadOnlySpan<byte> text = bytes;
        if (text.StartsWith(Encoding.UTF8.Preamble))
        {
            text = text[Encoding.UTF8.Preamble.Length..];
        }

        var at = InvalidAt(text);
        return at < 0
            ? Strict.GetString(text)
            : throw CliErrors.Usage($"Input is not proper UTF-8: file '{path}', byte {at.ToString(CultureInfo.InvariantCulture)} (0x{text[at]:X2})");
    }

    /// <summary>The offset of the first byte that is not part of a UTF-8 sequence, or -1.</summary>
    private static int InvalidAt(ReadOnlySpan<byte> bytes)
    {
        var chars = ArrayPool<char>.Shared.Rent(Math.Max(bytes.Length, 1));
        try
        {
            var status = Utf8.ToUtf16(bytes, chars, out var read, out _, replaceInvalidSequences: false);
            return status == OperationStatus.Done ? -1 : read;
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
        }
    }

    /// <summary>Printable ASCII as is, every other byte as virsh escapes it (<c>\xc0</c>), so the message is one safe line.</summary>
    private static string EscapeBytes(byte[] bytes)
    {
        var sb = new StringBuilder();
        foreach (var b in bytes)
        {
            if (b is >= 0x20 and < 0x7f && b != '\\')
            {
                sb.Append((char)b);
            }
            else
            {
                sb.Append(CultureInfo.InvariantCulture, $"\\x{b:x2}");
            }
        }

        return sb.ToString();
    }

    /// <summary>
    /// The last <paramref name="count"/> entries of /proc/self/cmdline: the arguments Main got, whatever
    /// precedes them (<c>dotnet virt-snap.dll</c>, the apphost, a NativeAOT binary). Null without /proc.
    /// </summary>
    private static List<byte[]>? RawArguments(int count)
    {
        byte[] cmdline;
        try
        {
            cmdline = File.ReadAllBytes("/proc/self/cmdline");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        // Each argument ends with a NUL.
        var entries = new List<byte[]>();
        var start = 0;
        for (var i = 0; i < cmdline.Length; i++)
        {
            if (cmdline[i] == 0)
            {
                entries.Add(cmdline[start..i]);
                start = i + 1;
            }
        }

        return entries.Count >= count ? entries.GetRange(entries.Count - count, count) : null;
    }

    /// <summary>
    /// Whether the raw entries are the arguments: each valid one must decode to its argument (how the host
    /// replaced bad bytes is its own business), so that a misread never refuses a good command line.
    /// </summary>
    private static bool Matches(List<byte[]> raw, IReadOnlyList<string> args)
    {
        for (var i = 0; i < args.Count; i++)
        {
            if (InvalidAt(raw[i]) < 0 && !string.Equals(Strict.GetString(raw[i]), args[i], StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }
}
