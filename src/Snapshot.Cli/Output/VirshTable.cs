using System.Globalization;
using System.Text;

namespace Snapshot.Cli.Output;

/// <summary>
/// virsh's table (vshTable): every cell is printed as a space then its text, padded to the widest
/// cell of its column plus two spaces (the last column is not padded); under the header a line of
/// dashes as long as the sum of (column width + 3). Characters are escaped and measured by <see cref="Encode(string, bool)"/>.
/// </summary>
internal sealed class VirshTable
{
    private readonly List<string[]> _rows = [];

    public VirshTable(params string[] header) => _rows.Add(header);

    public int Columns => _rows[0].Length;

    public void AddRow(params string[] cells)
    {
        if (cells.Length != Columns)
        {
            throw new ArgumentException("Incorrect number of cells in a table row", nameof(cells));
        }

        _rows.Add(cells);
    }

    public string Render(bool header)
    {
        var utf8 = VirshLocale.IsUtf8();
        var encoded = _rows.Select(row => row.Select(cell => Encode(cell, utf8)).ToArray()).ToList();
        var widths = new int[Columns];
        for (var i = header ? 0 : 1; i < encoded.Count; i++)
        {
            for (var j = 0; j < Columns; j++)
            {
                widths[j] = Math.Max(widths[j], encoded[i][j].Width);
            }
        }

        var sb = new StringBuilder();
        if (header)
        {
            AppendRow(sb, encoded[0], widths);
            sb.Append('-', widths.Sum(w => w + 3)).Append('\n');
        }

        for (var i = 1; i < encoded.Count; i++)
        {
            AppendRow(sb, encoded[i], widths);
        }

        return sb.ToString();
    }

    private static void AppendRow(StringBuilder sb, (string Text, int Width)[] row, int[] widths)
    {
        for (var j = 0; j < row.Length; j++)
        {
            sb.Append(' ').Append(row[j].Text);
            if (j < row.Length - 1)
            {
                sb.Append(' ', widths[j] - row[j].Width + 2);
            }
        }

        sb.Append('\n');
    }

    /// <summary>
    /// vshTableSafeEncode: a literal <c>\x</c> and ASCII control characters become <c>\xNN</c> (4 columns). In a
    /// UTF-8 locale (<see cref="VirshLocale"/>) the other characters glibc calls printable are kept and
    /// measured as GLib measures them (<see cref="CellWidths"/>); in any other locale, and for the
    /// non-printable ones, every non-ASCII byte becomes <c>\xff</c>: virsh formats the byte as a signed
    /// char, and its 5-byte buffer cuts <c>\xffffffc3</c> short.
    /// </summary>
    internal static (string Text, int Width) Encode(string cell) => Encode(cell, VirshLocale.IsUtf8());

    internal static (string Text, int Width) Encode(string cell, bool utf8)
    {
        var sb = new StringBuilder(cell.Length);
        var width = 0;
        for (var i = 0; i < cell.Length;)
        {
            var c = cell[i];
            if ((c == '\\' && i + 1 < cell.Length && cell[i + 1] == 'x') || c < 0x20 || c == 0x7f)
            {
                sb.Append(CultureInfo.InvariantCulture, $"\\x{(int)c:x2}");
                width += 4;
                i++;
                continue;
            }

            var rune = Rune.GetRuneAt(cell, i);
            i += rune.Utf16SequenceLength;
            var columns = !rune.IsAscii && !utf8 ? -1 : CellWidths.Class(rune);
            if (columns < 0)
            {
                for (var b = 0; b < rune.Utf8SequenceLength; b++)
                {
                    sb.Append("\\xff");
                }

                width += 4 * rune.Utf8SequenceLength;
                continue;
            }

            sb.Append(rune.ToString());
            width += columns;
        }

        return (sb.ToString(), width);
    }
}
