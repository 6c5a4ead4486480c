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

    public static async Task<string> CurrentNameAsync(SnapshotEngine engine, string domain, CancellationToken ct) =>
        (await engine.DomainFromOperand(domain).GetCurrentAsync(ct) ?? throw CliErrors.NotFound(NoCurrentMessage)).Name;
}

/// <summary>
/// A command's "DOMAIN {SNAPSHOT | --current}" operands, checked before connecting (usage errors never
/// wait for libvirt) and resolved to a name after.
/// </summary>
internal readonly record struct SnapshotTarget(string Domain, string? Name, bool Current)
{
    /// <summary>The snapshot's name: the one given, else the current snapshot's.</summary>
    public async Task<string> ResolveAsync(SnapshotEngine engine, CancellationToken ct) => Name ?? await SnapshotLookup.CurrentNameAsync(engine, Domain, ct);
}
