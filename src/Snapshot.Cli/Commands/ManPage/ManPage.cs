using System.CommandLine;
using System.Reflection;
using System.Text;
using Snapshot.Cli.Common;

namespace Snapshot.Cli.Commands.ManPage;

/// <summary>virt-snap(1) in roff (man(7) macros), rendered from the command tree that <c>--help</c> prints.</summary>
internal static class ManPage
{
    public static string Render(RootCommand root)
    {
        var version = typeof(ManPage).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "";
        var page = new StringBuilder();
        page.Append(".TH VIRT\\-SNAP 1 \"\" \"virt\\-snap ").Append(Escape(version)).Append("\" \"User Commands\"\n");
        page.Append(".SH NAME\nvirt\\-snap \\- ").Append(Escape(Summary(root.Description))).Append('\n');
        page.Append(".SH SYNOPSIS\n.B virt\\-snap\n[\\fIglobal options\\fR] \\fIcommand\\fR [\\fIoptions\\fR] [\\fIoperands\\fR]\n");
        page.Append(".SH DESCRIPTION\n")
            .Append(Escape("virt-snap runs virsh's snapshot commands with the same names, options and text output, plus instant "
                + "snapshots, reverts to external snapshots, JSON output (--json) and exit codes that say what went wrong. "
                + "As in virsh, each data option can be named or given in place: snapshot-info demo s1 is "
                + "snapshot-info --domain demo --snapshotname s1. <domain> is a domain name, ID or UUID."))
            .Append('\n');
        page.Append(".SH GLOBAL OPTIONS\nGiven anywhere on the command line, before or after the command.\n");
        foreach (var option in root.Options.Where(o => !o.Hidden))
        {
            Option(page, option);
        }

        page.Append(".SH COMMANDS\n");
        foreach (var command in root.Subcommands.Where(c => !c.Hidden))
        {
            page.Append(".SS ").Append(Escape(command.Name)).Append('\n');
            page.Append(".B ").Append(Escape(command.Name)).Append('\n');
            foreach (var argument in command.Arguments.Where(a => !a.Hidden))
            {
                page.Append("[\\fI").Append(Escape(argument.Name)).Append("\\fR]").Append(argument.Arity.MaximumNumberOfValues > 1 ? "...\n" : "\n");
            }

            page.Append(".br\n").Append(Escape(command.Description ?? "")).Append('\n');
            foreach (var option in command.Options.Where(o => !o.Hidden && !o.Recursive))
            {
                Option(page, option);
            }
        }

        page.Append(".SH ENVIRONMENT\n.TP\n.B LIBVIRT_DEFAULT_URI\n")
            .Append(Escape("the connection URI when -c/--connect is not given, as for virsh")).Append('\n');
        page.Append(".SH EXIT STATUS\n");
        foreach (var line in ExitCodes.HelpEpilog.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1))
        {
            var parts = line.Trim().Split(' ', 2);
            page.Append(".TP\n.B ").Append(parts[0]).Append('\n').Append(Escape(parts[1].Trim())).Append('\n');
        }

        page.Append(".SH SEE ALSO\n.BR virsh (1),\n.BR qemu\\-img (1)\n");
        return page.ToString();
    }

    /// <summary>One option as a tagged paragraph: its names (aliases first, as --help shows them), its value and its description.</summary>
    private static void Option(StringBuilder page, Option option)
    {
        var names = option.Aliases.Where(a => !a.StartsWith('/')).Order(StringComparer.Ordinal).Append(option.Name).Select(n => $"\\fB{Escape(n)}\\fR");
        page.Append(".TP\n").Append(string.Join(", ", names));
        if (option.ValueType != typeof(bool) && option.Arity.MaximumNumberOfValues > 0)
        {
            page.Append(" \\fI").Append(Escape(option.HelpName ?? "value")).Append("\\fR");
        }

        page.Append('\n').Append(Escape(option.Description ?? "")).Append('\n');
    }

    /// <summary>The root's description without its "virt-snap: " lead, for the NAME line.</summary>
    private static string Summary(string? description) =>
        description is null ? "" : description.StartsWith("virt-snap: ", StringComparison.Ordinal) ? description["virt-snap: ".Length..] : description;

    /// <summary>Text safe in roff: backslashes and hyphens escaped, no line starting with a control character.</summary>
    public static string Escape(string text)
    {
        var escaped = text.Replace("\\", "\\e", StringComparison.Ordinal).Replace("-", "\\-", StringComparison.Ordinal);
        return escaped.Length > 0 && (escaped[0] == '.' || escaped[0] == '\'') ? "\\&" + escaped : escaped;
    }
}
