using Microsoft.Extensions.Logging;
using Snapshot.Benchmarks;

BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (Exception e) when (e is ArgumentException or FormatException)
{
    if (e.Message.Length > 0)
        Console.Error.WriteLine("bench: " + e.Message);
    Console.Error.WriteLine(BenchOptions.Usage);
    return 2;
}

var report = new Report();
// The log goes to stderr: stdout is the table or the JSON.
using var logs = LoggerFactory.Create(b => b.SetMinimumLevel(options.Verbose ? LogLevel.Debug : LogLevel.Warning)
    .AddConsole(c => c.LogToStandardErrorThreshold = LogLevel.Trace)
    .AddSimpleConsole(c => { c.SingleLine = true; c.TimestampFormat = "HH:mm:ss.fff "; }));

Snapshot.TestGuest.TestGuest.CleanupLeftovers();
var instant = new InstantFigures(options, report, logs);
try
{
    if (options.Runs_("instant") || options.Runs_("throughput") || options.Runs_("revert"))
    {
        foreach (var size in options.SizesMiB)
        {
            try
            {
                await instant.RunAsync(size);
            }
            catch (Exception e)
            {
                report.Note($"{size} MiB: the instant/classic figures failed: {e.Message}");
            }
        }
    }
    if (options.Runs_("list") || options.Runs_("startup"))
    {
        try
        {
            new ListFigures(options, report).Run();
        }
        catch (Exception e)
        {
            report.Note($"the list/startup figures failed: {e.Message}");
        }
    }
}
finally
{
    instant.Dispose();
}

var json = report.Json(options);
if (options.JsonFile is not null)
    await File.WriteAllTextAsync(options.JsonFile, json);
Console.Out.WriteLine(options.Json ? json : report.Table());
return report.Rows.Count > 0 ? 0 : 1;
