using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using Snapshot.Cli.Commands.Complete;
using Snapshot.Cli.Commands.Event;
using Snapshot.Cli.Commands.ManPage;
using Snapshot.Cli.Commands.SnapshotCreate;
using Snapshot.Cli.Commands.SnapshotCreateAs;
using Snapshot.Cli.Commands.SnapshotCurrent;
using Snapshot.Cli.Commands.SnapshotDelete;
using Snapshot.Cli.Commands.SnapshotDumpXml;
using Snapshot.Cli.Commands.SnapshotGroup;
using Snapshot.Cli.Commands.SnapshotInfo;
using Snapshot.Cli.Commands.SnapshotList;
using Snapshot.Cli.Commands.SnapshotParent;
using Snapshot.Cli.Commands.SnapshotPrune;
using Snapshot.Cli.Commands.SnapshotRecover;
using Snapshot.Cli.Commands.SnapshotRevert;
using Snapshot.Cli.Commands.Version;
using Snapshot.Cli.Common;
using Snapshot.Cli.Output;

namespace Snapshot.Cli;

/// <summary>The virt-snap command line: parse, run, return the exit code.</summary>
internal static class Cli
{
    private static readonly Lazy<(RootCommand Root, GlobalOptions Globals)> Parser = new(Build);

    private static readonly ParserConfiguration ParserConfiguration = new()
    {
        // Snapshot names may start with '@': no response files.
        ResponseFileTokenReplacer = null,
    };

    public static RootCommand RootCommand => Parser.Value.Root;

    /// <summary>Runs one command line, writing to the given writers; returns the exit code.</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error) =>
        RunAsync(args, output, error, CancellationToken.None).GetAwaiter().GetResult();

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken ct)
    {
        var guarded = output as GuardedWriter ?? new GuardedWriter(output);
        var code = await RunGuardedAsync(args, guarded, error, ct);
        guarded.Flush();

        // A command that failed has said so already: its code stands, the lost output is no second error.
        if (guarded.Failure is null || code != ExitCodes.Success)
        {
            return code;
        }

        if (guarded.ReaderGone)
        {
            return ExitCodes.ReaderGone;
        }

        error.Write($"error: failed to write to standard output: {guarded.Reason}\n");
        return ExitCodes.Failed;
    }

    private static async Task<int> RunGuardedAsync(string[] args, GuardedWriter output, TextWriter error, CancellationToken ct)
    {
        var parseResult = RootCommand.Parse(args, ParserConfiguration);
        // The words quoted back are the user's: their control characters are escaped as in error lines.
        if (ParseErrors.Describe(parseResult) is { } parseError)
        {
            error.Write($"error: {VirshFormat.EscapeControls(parseError)}\n");
            return ExitCodes.Usage;
        }

        if (UnknownOptionTakenAsOperand(parseResult, args) is { } unknown)
        {
            error.Write($"error: command '{parseResult.CommandResult.Command.Name}' doesn't support option {VirshFormat.EscapeControls(unknown)}\n");
            return ExitCodes.Usage;
        }

        var configuration = new InvocationConfiguration
        {
            Output = output,
            Error = error,
            EnableDefaultExceptionHandler = false,
            ProcessTerminationTimeout = null,
        };
        return await parseResult.InvokeAsync(configuration, ct);
    }

    /// <summary>
    /// System.CommandLine lets an optional positional take a word like <c>--bogus</c>; virsh calls
    /// that an unsupported option (unless it follows <c>--</c>). A word with one dash (<c>-1</c>, a
    /// domain ID's negative look-alike) is data to virsh, so it stays an operand.
    /// </summary>
    private static string? UnknownOptionTakenAsOperand(ParseResult parseResult, string[] args)
    {
        if (args.Contains("--"))
        {
            return null;
        }

        return parseResult.CommandResult.Children
            .OfType<System.CommandLine.Parsing.ArgumentResult>()
            .SelectMany(a => a.Tokens)
            .Select(t => t.Value)
            .FirstOrDefault(v => v.Length > 2 && v.StartsWith("--", StringComparison.Ordinal));
    }

    private static (RootCommand, GlobalOptions) Build()
    {
        var globals = new GlobalOptions();
        var root = new RootCommand("virt-snap: libvirt snapshot management, a drop-in for virsh's snapshot commands");
        globals.AddTo(root);
        root.Subcommands.Add(SnapshotCreateCommandParser.GetCommand(globals));
        root.Subcommands.Add(SnapshotCreateAsCommandParser.GetCommand(globals));
        root.Subcommands.Add(SnapshotCurrentCommandParser.GetCommand(globals));
        root.Subcommands.Add(SnapshotDeleteCommandParser.GetCommand(globals));
        root.Subcommands.Add(SnapshotDumpXmlCommandParser.GetCommand(globals));
        root.Subcommands.Add(SnapshotInfoCommandParser.GetCommand(globals));
        root.Subcommands.Add(SnapshotListCommandParser.GetCommand(globals));
        root.Subcommands.Add(SnapshotParentCommandParser.GetCommand(globals));
        root.Subcommands.Add(SnapshotRevertCommandParser.GetCommand(globals));
        root.Subcommands.Add(SnapshotRecoverCommandParser.GetCommand(globals));
        root.Subcommands.Add(SnapshotPruneCommandParser.GetCommand(globals));
        foreach (var group in SnapshotGroupCommandParser.GetCommands(globals))
        {
            root.Subcommands.Add(group);
        }

        root.Subcommands.Add(EventCommandParser.GetCommand(globals));
        root.Subcommands.Add(VersionCommandParser.GetCommand(globals));
        // Hidden: what the .deb's shell completion and man page are made with.
        root.Subcommands.Add(CompleteCommandParser.GetCommand(globals));
        root.Subcommands.Add(ManPageCommandParser.GetCommand());

        var help = root.Options.OfType<HelpOption>().Single();
        help.Action = new HelpWithExitCodes((HelpAction)help.Action!);
        return (root, globals);
    }

    /// <summary>The standard help, then the exit codes.</summary>
    private sealed class HelpWithExitCodes(HelpAction inner) : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            var result = inner.Invoke(parseResult);
            parseResult.InvocationConfiguration.Output.Write(ExitCodes.HelpEpilog);
            return result;
        }
    }
}
