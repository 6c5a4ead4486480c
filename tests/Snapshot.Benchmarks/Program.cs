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

foreach (var stack in options.Stacks)
    Snapshot.TestGuest.TestGuest.CleanupLeftovers(Snapshot.TestGuest.Stack.Named(stack).Uri);
var loadAtStart = File.ReadAllText("/proc/loadavg").Trim();
var instant = new InstantFigures(options, report, logs);
var pauses = new PauseSeries(options, report);
try
{
    if (options.Runs_("instant") || options.Runs_("pauses") || options.Runs_("throughput") || options.Runs_("revert"))
    {
        // Size by size, each on every stack in turn: the stacks' figures of a size are taken minutes apart, under
        // about the same load.
        foreach (var size in options.SizesMiB)
        {
            foreach (var stack in options.Stacks.Select(Snapshot.TestGuest.Stack.Named))
            {
                report.Note($"{stack.Name}, {size} MiB: starting at load average {File.ReadAllText("/proc/loadavg").Trim()}");
                if (options.Runs_("pauses"))
                {
                    try
                    {
                        await pauses.RunAsync(stack, size);
                    }
                    catch (Exception e)
                    {
                        report.Note($"{stack.Name}, {size} MiB: the pauses figure failed: {e.Message}");
                    }
                }
                if (!options.Runs_("instant") && !options.Runs_("throughput") && !options.Runs_("revert"))
                    continue;
                try
                {
                    await instant.RunAsync(stack, size);
                }
                catch (Exception e)
                {
                    report.Note($"{stack.Name}, {size} MiB: the instant/classic figures failed: {e.Message}");
                }
            }
        }
    }
    if (options.Runs_("remote"))
    {
        try
        {
            await new RemoteFigures(options, report).RunAsync();
        }
        catch (Exception e)
        {
            report.Note($"the remote figure failed: {e.Message}");
        }
    }
    if (options.Runs_("group"))
    {
        await EachStackAsync("group figures", stack =>
        {
            report.Note($"{stack.Name}, group of {GroupFigures.Members} x {options.EffectiveGroupSize} MiB: starting at load average {File.ReadAllText("/proc/loadavg").Trim()}");
            return new GroupFigures(options, report).RunAsync(stack, options.EffectiveGroupSize);
        });
    }
    // One size (the smallest run): what a delete copies is the disk's, not the RAM's.
    if (options.Runs_("delete"))
        await EachStackAsync("delete figure", stack => new DeleteFigures(report).RunAsync(stack, options.SizesMiB.Min()));
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

report.Note($"host load average (1/5/15 min, runnable/total): {loadAtStart} at the start, {File.ReadAllText("/proc/loadavg").Trim()} at the end, on {Environment.ProcessorCount} cores; anything above ~1 comes from other processes and shows in the figures");
var json = report.Json(options);
if (options.JsonFile is not null)
    await File.WriteAllTextAsync(options.JsonFile, json);
Console.Out.WriteLine(options.Json ? json : report.Table());
return report.Rows.Count > 0 ? 0 : 1;

// A figure of one guest set per stack: a stack's failure is noted, and the other stacks still run.
async Task EachStackAsync(string what, Func<Snapshot.TestGuest.Stack, Task> run)
{
    foreach (var stack in options.Stacks.Select(Snapshot.TestGuest.Stack.Named))
    {
        try
        {
            await run(stack);
        }
        catch (Exception e)
        {
            report.Note($"{stack.Name}: the {what} failed: {e.Message}");
        }
    }
}
