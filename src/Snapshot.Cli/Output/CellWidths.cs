using System.Text;

namespace Snapshot.Cli.Output;

/// <summary>
/// How virsh's table measures a character in a UTF-8 locale: not printable (shown as <c>\xNN</c> per
/// byte), or 0, 1 or 2 terminal columns. The table in <c>CellWidths.g.cs</c> comes from the libraries
/// virsh itself asks (see <c>tools/gen-cell-widths.c</c>), not from .NET's newer Unicode data.
/// </summary>
internal static partial class CellWidths
{
    /// <summary>-1 when glibc's <c>iswprint</c> says no, else the columns GLib gives it.</summary>
    public static int Class(Rune rune)
    {
        var value = rune.Value;
        int lo = 0, hi = Ranges.Length - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) / 2;
            if (value < Ranges[mid].First)
            {
                hi = mid - 1;
            }
            else if (value > Ranges[mid].Last)
            {
                lo = mid + 1;
            }
            else
            {
                return Ranges[mid].Class;
            }
        }

        return 1;
    }
}
