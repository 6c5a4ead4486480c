using System.CommandLine;

namespace Snapshot.Cli.Common;

/// <summary>The options every command takes (declared once on the root, recursive).</summary>
internal sealed class GlobalOptions
{
    public Option<string?> Connect { get; } = new("--connect", "-c")
    {
        Description = "Hypervisor connection URI (default: $LIBVIRT_DEFAULT_URI, then libvirt's default)",
        HelpName = "URI",
        Recursive = true,
    };

    public Option<bool> Json { get; } = new("--json")
    {
        Description = "Write a versioned JSON envelope instead of virsh's text (see docs/cli-json.md)",
        Recursive = true,
    };

    public Option<bool> Quiet { get; } = new("--quiet", "-q")
    {
        Description = "Quiet mode, as virsh -q: no headers, no informational messages",
        Recursive = true,
    };

    public Option<bool> Verbose { get; } = new("--verbose", "-v")
    {
        Description = "Log to stderr (debug level) and show stack traces on errors",
        Recursive = true,
    };

    public void AddTo(Command root)
    {
        root.Options.Add(Connect);
        root.Options.Add(Json);
        root.Options.Add(Quiet);
        root.Options.Add(Verbose);
    }
}
