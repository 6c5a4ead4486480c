using System.Globalization;
using System.Text;

namespace Snapshot.Cli.Output;

/// <summary>
/// virsh's table (vshTable): every cell is printed as a space then its text, padded to the widest
/// cell of its column plus two spaces (the last column is not padded); under the header a line of
/// dashes as long as the sum of (column width + 3). Control characters are shown as <c>\xNN</c>.
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
        var encoded = _rows.Select(row => row.Select(Encode).ToArray()).ToList();
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

    /// <summary>vshTableSafeEncode: control characters and a literal <c>\x</c> become <c>\xNN</c>; width counts terminal columns.</summary>
    internal static (string Text, int Width) Encode(string cell)
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
            sb.Append(cell, i, rune.Utf16SequenceLength);
            width += ColumnWidth(rune);
            i += rune.Utf16SequenceLength;
        }

        return (sb.ToString(), width);
    }

    /// <summary>wcwidth: 0 for combining marks, 2 for East Asian wide characters, else 1.</summary>
    internal static int ColumnWidth(Rune rune)
    {
        var category = Rune.GetUnicodeCategory(rune);
        if (category is UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark or UnicodeCategory.Format)
        {
            return 0;
        }

        var v = rune.Value;
        var wide = v is (>= 0x1100 and <= 0x115F) or (>= 0x2E80 and <= 0x303E) or (>= 0x3041 and <= 0x33FF)
            or (>= 0x3400 and <= 0x4DBF) or (>= 0x4E00 and <= 0x9FFF) or (>= 0xA000 and <= 0xA4CF)
            or (>= 0xAC00 and <= 0xD7A3) or (>= 0xF900 and <= 0xFAFF) or (>= 0xFE30 and <= 0xFE4F)
            or (>= 0xFF00 and <= 0xFF60) or (>= 0xFFE0 and <= 0xFFE6) or (>= 0x1F300 and <= 0x1F64F)
            or (>= 0x1F900 and <= 0x1F9FF) or (>= 0x20000 and <= 0x3FFFD);
        return wide ? 2 : 1;
    }
}
