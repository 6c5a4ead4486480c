using System.Globalization;
using Snapshot.Cli.Output;
using Snapshot.Engine;

namespace Snapshot.Cli.Common;

/// <summary>
/// What both create commands do around the engine call: the instant-snapshot notice as soon as the
/// snapshot point is taken, and a progress bar when stdout is a terminal.
/// </summary>
internal static class CreateRunner
{
    public static async Task<SnapshotInfo> RunAsync(CommandContext ctx, Func<IProgress<SnapshotProgress>?, Action<SnapshotPoint>, Task<SnapshotInfo>> create)
    {
        ctx.LogStartup();
        var bar = ctx.OutputIsTerminal && !ctx.Json && !ctx.Quiet ? new ProgressBar(ctx.Out) : null;
        void OnPointTaken(SnapshotPoint e)
        {
            bar?.Clear();
            var pausedMs = (long)e.GuestPause.TotalMilliseconds;
            if (ctx.Json)
            {
                ctx.WriteJson(new SnapshotPointJson(e.TakenAt.ToString("O", CultureInfo.InvariantCulture), pausedMs), CliJsonContext.Default.SnapshotPointJson);
            }
            else
            {
                ctx.PrintExtra(string.Create(CultureInfo.InvariantCulture, $"Snapshot point taken at {VirshFormat.LocalTime(e.TakenAt, withMilliseconds: true)} (guest paused {pausedMs} ms)\n"));
            }

            ctx.Out.Flush();
        }

        try
        {
            return await create(bar, OnPointTaken);
        }
        finally
        {
            bar?.Clear();
        }
    }
}
