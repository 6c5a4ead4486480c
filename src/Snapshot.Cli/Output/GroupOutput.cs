using System.Globalization;
using System.Text;
using Snapshot.Engine;

namespace Snapshot.Cli.Output;

/// <summary>A group snapshot in JSON (snapshot-group-create, -info, and the items of -list).</summary>
internal sealed record GroupJson(
    string Name,
    string Connection,
    string? Description,
    string CreationTime,
    string Instant,
    double SpreadMs,
    double CommonPauseMs,
    IReadOnlyList<GroupMemberJson> Members)
{
    public static GroupJson From(SnapshotGroupInfo g) => new(
        g.Name,
        g.Connection,
        g.Description,
        GroupText.Time(g.CreationTime),
        GroupText.Time(g.Instant),
        GroupText.Ms(g.Spread),
        GroupText.Ms(g.CommonPause),
        g.Members.Select(m => new GroupMemberJson(m.Domain, m.Uuid, m.MemoryFile, GroupText.Time(m.PausedAt), GroupText.Ms(m.Pause))).ToList());
}

internal sealed record GroupMemberJson(string Domain, Guid Uuid, string MemoryFile, string PausedAt, double PauseMs);

/// <summary>snapshot-group-revert's data.</summary>
internal sealed record GroupRevertJson(GroupJson Group, bool Resumed, double ResumeSpreadMs)
{
    public static GroupRevertJson From(SnapshotGroupRevertResult r) => new(GroupJson.From(r.Group), r.Resumed, GroupText.Ms(r.ResumeSpread));
}

/// <summary>The text of the snapshot-group-* commands.</summary>
internal static class GroupText
{
    public static string Time(DateTimeOffset t) => t.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);

    public static double Ms(TimeSpan t) => Math.Round(t.TotalMilliseconds, 3);

    private static string Millis(TimeSpan t) => t.TotalMilliseconds.ToString("0.0", CultureInfo.InvariantCulture) + " ms";

    public static string Created(SnapshotGroupInfo g) =>
        $"Group snapshot {g.Name} created: {g.Members.Count} domains paused within {Millis(g.Spread)}, all paused at once for {Millis(g.CommonPause)}\n";

    public static string Reverted(SnapshotGroupRevertResult r) => r.Resumed
        ? $"Group snapshot {r.Group.Name} reverted: {r.Group.Members.Count} domains resumed within {Millis(r.ResumeSpread)}\n"
        : $"Group snapshot {r.Group.Name} reverted: {r.Group.Members.Count} domains left paused\n";

    public static string List(IReadOnlyList<SnapshotGroupInfo> groups, bool header)
    {
        var table = new VirshTable("Name", "Creation Time", "Domains");
        foreach (var g in groups)
        {
            table.AddRow(g.Name, VirshFormat.LocalTime(g.CreationTime, withMilliseconds: false), string.Join(", ", g.Members.Select(m => m.Domain)));
        }

        return table.Render(header);
    }

    public static string Info(SnapshotGroupInfo g)
    {
        var text = new StringBuilder();
        void Line(string label, string value) => text.Append(CultureInfo.InvariantCulture, $"{label + ":",-16}{value}\n");
        Line("Name", g.Name);
        Line("Connection", g.Connection);
        Line("Description", g.Description ?? "");
        Line("Creation Time", VirshFormat.LocalTime(g.CreationTime, withMilliseconds: false));
        Line("Instant", VirshFormat.LocalTime(g.Instant, withMilliseconds: true));
        Line("Spread", Millis(g.Spread));
        Line("Common pause", Millis(g.CommonPause));
        Line("Members", g.Members.Count.ToString(CultureInfo.InvariantCulture));
        foreach (var m in g.Members)
        {
            Line("  " + m.Domain, $"paused {VirshFormat.LocalTime(m.PausedAt, withMilliseconds: true)} for {Millis(m.Pause)}, memory {m.MemoryFile}");
        }

        return text.ToString();
    }
}
