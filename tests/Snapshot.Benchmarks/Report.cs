using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Snapshot.Benchmarks;

/// <summary>One figure beside its yardstick, measured in the same run; <see cref="Stack"/> is the libvirt + QEMU pair it ran on.</summary>
internal sealed record Row(
    string Figure,
    double? Ours,
    double? Yardstick,
    string Unit,
    string YardstickName,
    string Target,
    bool? Met,
    string? Note = null)
{
    /// <summary>The stack's name (Snapshot.TestGuest.Stack), or null for a figure of the host's client alone.</summary>
    public string? Stack { get; init; }

    public double? Ratio => Ours is { } o && Yardstick is { } y && y != 0 ? o / y : null;
}

internal sealed class Report
{
    private static readonly JsonSerializerOptions s_json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private readonly List<Row> _rows = [];
    private readonly List<string> _notes = [];

    public DateTimeOffset StartedAt { get; } = DateTimeOffset.UtcNow;
    public IReadOnlyList<Row> Rows => _rows;

    public void Add(Row row)
    {
        lock (_rows)
            _rows.Add(row);
        Console.Error.WriteLine($"bench: {row.Figure}{(row.Stack is null ? "" : $" [{row.Stack}]")}: {Format(row.Ours)} {row.Unit} beside {row.YardstickName} {Format(row.Yardstick)} {row.Unit}");
    }

    public void Note(string note)
    {
        lock (_notes)
            _notes.Add(note);
        Console.Error.WriteLine("bench: note: " + note);
    }

    /// <summary>
    /// The rows of one figure next to each other, one per stack, in the order the figures first appeared: the
    /// stacks side by side although the benchmark measures all of one guest before the next.
    /// </summary>
    public IReadOnlyList<Row> SideBySide()
    {
        lock (_rows)
        {
            var order = _rows.Select(r => r.Figure).Distinct(StringComparer.Ordinal).Select((f, i) => (f, i)).ToDictionary(x => x.f, x => x.i, StringComparer.Ordinal);
            return _rows.Select((r, i) => (r, i)).OrderBy(x => order[x.r.Figure]).ThenBy(x => x.i).Select(x => x.r).ToList();
        }
    }

    public string Table()
    {
        string[] head = ["figure", "stack", "ours", "yardstick", "ratio", "target", "met?"];
        var rows = SideBySide();
        var cells = rows.Select(r => new[]
        {
            r.Figure,
            r.Stack ?? "host client",
            $"{Format(r.Ours)} {r.Unit}",
            $"{Format(r.Yardstick)} {r.Unit} ({r.YardstickName})",
            r.Ratio is { } x ? x.ToString("0.00", CultureInfo.InvariantCulture) + "x" : "-",
            r.Target,
            r.Met switch { true => "yes", false => "NO", null => "-" },
        }).ToList();
        var widths = Enumerable.Range(0, head.Length).Select(i => cells.Select(c => c[i].Length).Append(head[i].Length).Max()).ToArray();
        var sb = new StringBuilder();
        void Line(string[] c) => sb.AppendLine("| " + string.Join(" | ", c.Select((s, i) => s.PadRight(widths[i]))) + " |");
        Line(head);
        sb.AppendLine("|" + string.Join("|", widths.Select(w => new string('-', w + 2))) + "|");
        foreach (var c in cells)
            Line(c);
        var notes = rows.Where(r => r.Note is not null).Select(r => $"{r.Figure}{(r.Stack is null ? "" : $" [{r.Stack}]")}: {r.Note}").Concat(_notes).ToList();
        if (notes.Count > 0)
        {
            sb.AppendLine();
            sb.AppendLine("Notes:");
            foreach (var n in notes)
                sb.AppendLine("- " + n);
        }
        return sb.ToString();
    }

    public string Json(BenchOptions options) => JsonSerializer.Serialize(new
    {
        version = 1,
        startedAt = StartedAt,
        finishedAt = DateTimeOffset.UtcNow,
        host = new { Environment.MachineName, Environment.ProcessorCount, kernel = Environment.OSVersion.VersionString },
        options = new { sizesMiB = options.SizesMiB, stacks = options.Stacks, figures = options.Figures.Order(StringComparer.Ordinal), options.Runs, options.Snapshots, options.Quick },
        rows = SideBySide().Select(r => new { r.Figure, r.Stack, r.Ours, r.Yardstick, r.Unit, r.YardstickName, r.Ratio, r.Target, r.Met, r.Note }),
        notes = _notes,
    }, s_json);

    public static string Format(double? value) => value switch
    {
        null => "n/a",
        >= 100 => value.Value.ToString("0", CultureInfo.InvariantCulture),
        >= 10 => value.Value.ToString("0.0", CultureInfo.InvariantCulture),
        _ => value.Value.ToString("0.00", CultureInfo.InvariantCulture),
    };
}
