using System.Globalization;
using System.Text;

namespace Snapshot.Cli.Tests.BadInput;

/// <summary>
/// One line of corpus.txt: <c>target | exit code | arguments | start of the one stderr line</c>. The
/// target says what the case runs against: <c>test</c> (a domain on test:///default), <c>qemu</c> (a
/// defined, never started QEMU domain) or <c>none</c> (no <c>-c</c>: the case never connects, or names its
/// own URI). Arguments split on blanks; <c>'...'</c> quotes (<c>''</c> is an empty argument) and
/// <c>$'...'</c> takes <c>\xNN</c>, <c>\t</c> and <c>\n</c>, as bash does.
/// </summary>
public sealed record CorpusCase(int Line, string Target, int ExitCode, IReadOnlyList<string> Arguments, string ErrorStart)
{
    public override string ToString() => $"line {Line}: {string.Join(' ', Arguments)}";

    public static IReadOnlyList<CorpusCase> Load()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "BadInput", "corpus.txt");
        var cases = new List<CorpusCase>();
        var lines = File.ReadAllLines(path);
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var parts = line.Split(" | ", 4);
            if (parts.Length != 4)
            {
                throw new FormatException($"corpus.txt line {i + 1}: expected 'target | exit | arguments | error'");
            }

            cases.Add(new CorpusCase(i + 1, parts[0], int.Parse(parts[1], CultureInfo.InvariantCulture), Split(parts[2]), parts[3]));
        }

        return cases;
    }

    private static List<string> Split(string text)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == ' ')
            {
                if (inWord)
                {
                    words.Add(word.ToString());
                    word.Clear();
                    inWord = false;
                }

                continue;
            }

            inWord = true;
            if (c == '$' && i + 1 < text.Length && text[i + 1] == '\'')
            {
                i = ReadQuoted(text, i + 2, word, escapes: true);
            }
            else if (c == '\'')
            {
                i = ReadQuoted(text, i + 1, word, escapes: false);
            }
            else
            {
                word.Append(c);
            }
        }

        if (inWord)
        {
            words.Add(word.ToString());
        }

        return words;
    }

    /// <summary>Reads up to the closing quote; returns its index.</summary>
    private static int ReadQuoted(string text, int i, StringBuilder word, bool escapes)
    {
        for (; text[i] != '\''; i++)
        {
            if (escapes && text[i] == '\\')
            {
                var next = text[++i];
                if (next == 'x')
                {
                    word.Append((char)int.Parse(text.AsSpan(i + 1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                    i += 2;
                }
                else
                {
                    word.Append(next switch { 't' => '\t', 'n' => '\n', _ => next });
                }
            }
            else
            {
                word.Append(text[i]);
            }
        }

        return i;
    }
}
