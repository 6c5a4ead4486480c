using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Snapshot.Benchmarks;

/// <summary>One figure beside its yardstick, measured in the same run.</summary>
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
        Console.Error.WriteLine($"bench: {row.Figure}: {Format(row.Ours)} {row.Unit} beside {row.YardstickName} {Format(row.Yardstick)} {row.Unit}");
    }

    public void Note(string note)
    {
        lock (_notes)
            _notes.Add(note);
        Console.Error.WriteLine("bench: note: " + note);
    }

    public string Table()
    {
        string[] head = ["figure", "ours", "yardstick", "ratio", "target", "met?"];
        var cells = _rows.Select(r => new[]
        {
            r.Figure,
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
        var notes = _rows.Where(r => r.Note is not null).Select(r => $"{r.Figure}: {r.Note}").Concat(_notes).ToList();
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
        options = new { sizesMiB = options.SizesMiB, figures = options.Figures.Order(StringComparer.Ordinal), options.Runs, options.Snapshots, options.Quick },
        rows = _rows.Select(r => new { r.Figure, r.Ours, r.Yardstick, r.Unit, r.YardstickName, r.Ratio, r.Target, r.Met, r.Note }),
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
