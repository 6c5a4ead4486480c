using System.Globalization;
using Snapshot.TestGuest;

namespace Snapshot.Benchmarks;

/// <summary>The benchmark's command line (see <see cref="Usage"/>).</summary>
internal sealed record BenchOptions
{
    public const string Usage = """
        Snapshot.Benchmarks [options]
          --quick                 0.5 GiB only, 3 runs per process figure (about 3 minutes)
          --sizes 512,1024,...    guest RAM sizes in MiB for the instant and throughput figures (default 512,1024,2048,4096)
          --stacks LIST           the libvirt + QEMU pairs the VM figures run on (default stack1-host,stack2-backports)
          --figures LIST          any of instant,pauses,throughput,revert,remote,group,list,startup,delete (default: all)
          --revert-size MiB       the guest size the revert figure uses (default: 1024, or the smallest size run)
          --snapshots N           snapshots in the listing domain (default 1000)
          --runs N                runs per whole-process figure, the median is reported (default 7; remote: 3-5)
          --group-size MiB        the RAM of each of the group figure's three guests (default: 512, or the smallest size run)
          --virt-snap PATH        the published virt-snap executable (pauses, group, list and startup figures)
          --baseline-virt-snap PATH  another build (e.g. main's) whose five pauses run beside this one's (pauses)
          --json                  print the results as JSON on stdout instead of the table
          --json-file PATH        also write the JSON to PATH
          --verbose               the engine's Debug log of each instant snapshot on stderr
        """;

    public IReadOnlyList<int> SizesMiB { get; init; } = [512, 1024, 2048, 4096];
    public IReadOnlyList<string> Stacks { get; init; } = [.. Stack.All.Select(s => s.Name)];
    public ISet<string> Figures { get; init; } = new HashSet<string>(AllFigures, StringComparer.Ordinal);
    public int? RevertSizeMiB { get; init; }
    public int? GroupSizeMiB { get; init; }
    public int Snapshots { get; init; } = 1000;
    public int Runs { get; init; } = 7;
    public string? VirtSnap { get; init; }
    public string? BaselineVirtSnap { get; init; }
    public bool Json { get; init; }
    public string? JsonFile { get; init; }
    public bool Verbose { get; init; }
    public bool Quick { get; init; }

    public static readonly string[] AllFigures = ["instant", "pauses", "throughput", "revert", "remote", "group", "list", "startup", "delete"];

    public bool Runs_(string figure) => Figures.Contains(figure);

    public int EffectiveRevertSize => RevertSizeMiB ?? (SizesMiB.Contains(1024) ? 1024 : SizesMiB.Min());

    public int EffectiveGroupSize => GroupSizeMiB ?? (SizesMiB.Contains(512) ? 512 : SizesMiB.Min());

    public static BenchOptions Parse(string[] args)
    {
        var o = new BenchOptions();
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            o = args[i] switch
            {
                "--quick" => o with { Quick = true, SizesMiB = [512], Runs = 3 },
                "--sizes" => o with { SizesMiB = Next().Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToList() },
                "--stacks" => o with { Stacks = Next().Split(',').Select(CheckStack).Distinct(StringComparer.Ordinal).ToList() },
                "--figures" => o with { Figures = Next().Split(',').Select(CheckFigure).ToHashSet(StringComparer.Ordinal) },
                "--revert-size" => o with { RevertSizeMiB = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--group-size" => o with { GroupSizeMiB = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--snapshots" => o with { Snapshots = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--runs" => o with { Runs = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--virt-snap" => o with { VirtSnap = Path.GetFullPath(Next()) },
                "--baseline-virt-snap" => o with { BaselineVirtSnap = Path.GetFullPath(Next()) },
                "--json" => o with { Json = true },
                "--json-file" => o with { JsonFile = Path.GetFullPath(Next()) },
                "--verbose" => o with { Verbose = true },
                "--help" or "-h" => throw new ArgumentException(""),
                _ => throw new ArgumentException($"unknown option {args[i]}"),
            };
        }
        return o;
    }

    private static string CheckStack(string s) =>
        Stack.All.Any(x => x.Name == s) ? s : throw new ArgumentException($"unknown stack '{s}' (known: {string.Join(",", Stack.All.Select(x => x.Name))})");

    private static string CheckFigure(string f) =>
        AllFigures.Contains(f) ? f : throw new ArgumentException($"unknown figure '{f}' (known: {string.Join(",", AllFigures)})");
}
