using System.CommandLine;
using System.Text;
using Snapshot.Cli.Common;
using Snapshot.Cli.Output;
using P = Snapshot.Cli.Commands.Version.VersionCommandParser;

namespace Snapshot.Cli.Commands.Version;

/// <summary>version: virsh's four lines (five with --daemon).</summary>
internal sealed class VersionCommand(ParseResult parseResult, GlobalOptions globals)
    : CliCommand(parseResult, globals)
{
    protected override Task<int> RunAsync(CommandContext ctx, CancellationToken ct)
    {
        using var engine = ctx.Connect(readOnly: true);
        var v = engine.GetVersions();
        var library = VirshFormat.Version(v.Library);
        var hypervisor = v.Hypervisor.Major == 0 && v.Hypervisor.Minor <= 0 && v.Hypervisor.Build <= 0 ? null : VirshFormat.Version(v.Hypervisor);
        var daemon = v.Daemon is null ? null : VirshFormat.Version(v.Daemon);

        ctx.WriteJson(new VersionJson(library, daemon, v.HypervisorType, VirshFormat.Version(v.Hypervisor)), CliJsonContext.Default.VersionJson);

        var sb = new StringBuilder();
        sb.Append("Compiled against library: libvirt ").Append(library).Append('\n');
        sb.Append("Using library: libvirt ").Append(library).Append('\n');
        sb.Append("Using API: ").Append(v.HypervisorType).Append(' ').Append(library).Append('\n');
        sb.Append(hypervisor is null
            ? $"Cannot extract running {v.HypervisorType} hypervisor version\n"
            : $"Running hypervisor: {v.HypervisorType} {hypervisor}\n");
        ctx.Print(sb.ToString());

        if (ParseResult.GetValue(P.Daemon))
        {
            if (daemon is null)
            {
                throw CliErrors.NotSupported("failed to get the daemon version");
            }

            ctx.Print($"Running against daemon: {daemon}\n");
        }

        return Task.FromResult(ExitCodes.Success);
    }
}
