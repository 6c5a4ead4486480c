using Snapshot.Engine;

namespace Snapshot.Cli.Common;

/// <summary>virsh's "{--current | --ARG name}" rule for naming a snapshot.</summary>
internal static class SnapshotLookup
{
    public const string NoCurrentMessage = "Domain snapshot not found: the domain does not have a current snapshot";

    /// <summary>The usage checks only (before connecting).</summary>
    public static void Check(string? name, bool current, string arg, bool exclusive)
    {
        if (exclusive && current && name is not null)
        {
            throw CliErrors.Usage($"--{arg} and --current are mutually exclusive");
        }

        if (name is null && !current)
        {
            throw CliErrors.Usage($"--{arg} or --current is required");
        }
    }

    /// <summary>The snapshot's name: the one given, else the current snapshot's.</summary>
    public static string Resolve(SnapshotEngine engine, string domain, string? name, bool current, string arg, bool exclusive)
    {
        Check(name, current, arg, exclusive);
        return name ?? CurrentName(engine, domain);
    }

    public static string CurrentName(SnapshotEngine engine, string domain) =>
        (engine.GetCurrent(domain) ?? throw CliErrors.NotFound(NoCurrentMessage)).Name;
}
