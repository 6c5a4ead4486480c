using System.CommandLine;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Logging;
using Snapshot.Cli.Commands.SnapshotRecover;
using Snapshot.Cli.Output;
using Snapshot.Engine;

namespace Snapshot.Cli.Common;

/// <summary>What one command invocation works with: its parse result, the writers and the global options.</summary>
internal sealed class CommandContext : IDisposable
{
    private StderrLog? _loggerFactory;

    public CommandContext(ParseResult parseResult, GlobalOptions globals, string commandName)
    {
        ParseResult = parseResult;
        CommandName = commandName;
        Out = parseResult.InvocationConfiguration.Output;
        Err = parseResult.InvocationConfiguration.Error;
        Json = parseResult.GetValue(globals.Json);
        Quiet = parseResult.GetValue(globals.Quiet);
        Verbose = parseResult.GetValue(globals.Verbose);
        Uri = parseResult.GetValue(globals.Connect) ?? NullIfEmpty(Environment.GetEnvironmentVariable("LIBVIRT_DEFAULT_URI"));
    }

    public ParseResult ParseResult { get; }

    public string CommandName { get; }

    public TextWriter Out { get; }

    public TextWriter Err { get; }

    public bool Json { get; }

    public bool Quiet { get; }

    public bool Verbose { get; }

    /// <summary>The connection URI: <c>-c</c>, else <c>LIBVIRT_DEFAULT_URI</c>, else null (libvirt's default).</summary>
    public string? Uri { get; }

    /// <summary>Whether stdout is an interactive terminal (progress is drawn only then).</summary>
    public bool OutputIsTerminal => Out is GuardedWriter { Terminal: true };

    /// <summary>Cancelled when stdout can no longer be written (a command that only prints then stops).</summary>
    public CancellationToken OutputFailed => Out is GuardedWriter guarded ? guarded.Failed : CancellationToken.None;

    public SnapshotEngine Connect(bool readOnly = false)
    {
        if (Verbose)
        {
            _loggerFactory ??= new StderrLog(Console.Error);
        }

        _loggingReadyMs = StartupClock.Now();
        var engine = SnapshotEngine.Connect(Uri, _loggerFactory, readOnly);
        _connectedMs = StartupClock.Now();
        // A changing command first recovers what a killed run left on its domain: said in one line, before its own output.
        engine.Recovered += (_, result) =>
            Err.Write($"virt-snap: recovered first: {SnapshotRecoverCommand.Describe(result.Interrupted?.Domain ?? "", result)}\n");
        return engine;
    }

    private double _loggingReadyMs;
    private double _connectedMs;

    /// <summary>With -v, where this process's time went before the engine was called (a create's request-to-point figure starts at the process start).</summary>
    public void LogStartup()
    {
        if (_loggerFactory is not null)
        {
            StartupClock.LogConnected(_loggerFactory.CreateLogger("virt-snap"), _loggingReadyMs, _connectedMs);
        }
    }

    /// <summary>
    /// Warns (one line on stderr) when <paramref name="domain"/> has an operation that a killed run left half done:
    /// what a read (snapshot-list, snapshot-info) says while it shows a state that recovery will change.
    /// </summary>
    public async Task WarnIfInterruptedAsync(ISnapshotDomain domain, CancellationToken ct)
    {
        if (await domain.GetInterruptedAsync(ct) is { } op)
        {
            var since = op.StartedAt.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss 'UTC'", System.Globalization.CultureInfo.InvariantCulture);
            Err.Write($"warning: domain '{op.Domain}' has an interrupted {op.Operation} (pid {op.ProcessId}, since {since}, at {op.LastStep ?? "its start"}): run virt-snap snapshot-recover {op.Domain}\n");
        }
    }

    /// <summary>virsh's <c>vshPrint</c>: always printed in text mode.</summary>
    public void Print(string text)
    {
        if (!Json)
        {
            Out.Write(text);
        }
    }

    /// <summary><see cref="Print(string)"/> for output too large to build as one string first: written as it is made.</summary>
    public void Print(Action<TextWriter> write)
    {
        if (!Json)
        {
            write(Out);
        }
    }

    /// <summary>virsh's <c>vshPrintExtra</c>: informational, dropped by <c>--quiet</c>.</summary>
    public void PrintExtra(string text)
    {
        if (!Json && !Quiet)
        {
            Out.Write(text);
        }
    }

    /// <summary>Writes <paramref name="data"/> in the JSON envelope (JSON mode only).</summary>
    public void WriteJson<T>(T data, JsonTypeInfo<T> typeInfo)
    {
        if (Json)
        {
            JsonOutput.WriteEnvelope(Out, CommandName, data, typeInfo);
        }
    }

    private static readonly string DefaultCancelMessage = new OperationCanceledException().Message;

    /// <summary>Reports a failure (one line on stderr; the error envelope in JSON mode) and returns its exit code.</summary>
    public int ReportError(Exception error)
    {
        var (code, kind) = ExitCodes.Of(error);
        // A bare cancellation says so; one the engine explained (what it left behind) keeps its words.
        var message = error switch
        {
            OperationCanceledException when error.Message == DefaultCancelMessage => "operation cancelled",
            SnapshotException s => OneLine(s.FormatMessage(CliOptionNames.Spell)),
            _ => OneLine(error.Message),
        };
        Err.Write($"error: {message}\n");
        if (Verbose)
        {
            Err.Write(error.ToString());
            Err.Write('\n');
        }

        if (Json)
        {
            JsonOutput.WriteError(Out, kind, message);
        }

        return code;
    }

    public void Dispose() => _loggerFactory?.Dispose();

    /// <summary>
    /// The message on one line, its other control characters (from a name libvirt echoes back) escaped:
    /// an error line never moves a terminal's cursor or colours it.
    /// </summary>
    private static string OneLine(string message) => VirshFormat.EscapeControls(message.ReplaceLineEndings(" ").Trim());

    private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;
}
