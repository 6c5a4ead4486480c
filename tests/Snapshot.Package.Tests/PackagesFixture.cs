using System.Diagnostics;
using System.Security;
using System.Text.RegularExpressions;

namespace Snapshot.Package.Tests;

/// <summary>
/// Packs VirtSnap.Interop, VirtSnap and virt-snap (its pointer, linux-x64 and any packages) once for all tests into a temp feed, built apart from
/// the repository's bin/obj (<c>--artifacts-path</c>), and prepares a NuGet setup that sees only that feed
/// plus the usual sources, with a private packages folder (a VirtSnap of the same version cached by an
/// earlier run must not stand in for the fresh one).
/// </summary>
public sealed partial class PackagesFixture : IDisposable
{
    public PackagesFixture()
    {
        Root = Directory.CreateTempSubdirectory("virtsnap-pack-").FullName;
        Feed = Directory.CreateDirectory(Path.Combine(Root, "feed")).FullName;
        var artifacts = Path.Combine(Root, "artifacts");
        var packages = Directory.CreateDirectory(Path.Combine(Root, "packages")).FullName;

        var watch = Stopwatch.StartNew();
        foreach (var project in new[] { "Snapshot.Interop", "Snapshot.Engine", "Snapshot.Cli" })
        {
            // The CLI's pack compiles the NativeAOT tool too: minutes on a loaded two-core machine.
            var pack = DotnetCli.RunProcess(DotnetCli.Executable, Repo.Root, new Dictionary<string, string>(), TimeSpan.FromMinutes(15),
                "pack", Repo.Src(project), "-c", "Release", "-o", Feed, "--artifacts-path", artifacts);
            if (pack.ExitCode != 0)
                throw new InvalidOperationException($"dotnet pack {project} failed: {pack}");
        }
        PackTime = watch.Elapsed;

        var library = Directory.GetFiles(Feed, "VirtSnap.*.nupkg").Select(Path.GetFileName).Select(n => LibraryFileName().Match(n!)).Single(m => m.Success);
        Version = library.Groups["version"].Value;

        // The consumer and the tool install see this config (they run under Root) and nothing else.
        var sources = new List<string> { Feed };
        var outerPackages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } p
            ? p
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        // The outer packages folder and the machine's folder are ordinary local feeds: restores need no network
        // when they hold the dependencies. Our own ids are never taken from them (packageSourceMapping below).
        sources.AddRange(new[] { outerPackages, "/opt/nuget/packages" }.Where(Directory.Exists));
        var sourceLines = string.Join("\n", sources.Select((s, i) => $"    <add key=\"local{i}\" value=\"{SecurityElement.Escape(s)}\" />"));
        var otherSources = string.Join("\n", Enumerable.Range(1, sources.Count - 1).Select(i => $"    <packageSource key=\"local{i}\"><package pattern=\"*\" /></packageSource>"));
        ConfigFile = Path.Combine(Root, "nuget.config");
        File.WriteAllText(ConfigFile, $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
            {sourceLines}
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
              </packageSources>
              <packageSourceMapping>
                <packageSource key="local0">
                  <package pattern="VirtSnap" />
                  <package pattern="VirtSnap.*" />
                  <package pattern="virt-snap" />
                  <package pattern="virt-snap.*" />
                </packageSource>
            {otherSources}
                <packageSource key="nuget.org"><package pattern="*" /></packageSource>
              </packageSourceMapping>
            </configuration>
            """);

        ChildEnvironment = new Dictionary<string, string>
        {
            ["NUGET_PACKAGES"] = packages,
            ["DOTNET_ROOT"] = Path.GetDirectoryName(Path.GetFullPath(DotnetCli.Executable == "dotnet" ? "/usr/share/dotnet/dotnet" : DotnetCli.Executable))!,
        };
    }

    /// <summary>The temp folder holding the feed, the private packages folder and the nuget.config.</summary>
    public string Root { get; }

    /// <summary>The nuget.config of the consumer and the tool install: the fresh feed for our ids, the usual sources for the rest.</summary>
    public string ConfigFile { get; }

    /// <summary>Where the .nupkg and .snupkg files are.</summary>
    public string Feed { get; }

    /// <summary>The packages' version (Directory.Build.props).</summary>
    public string Version { get; }

    public TimeSpan PackTime { get; }

    /// <summary>Environment for child processes: the private packages folder, DOTNET_ROOT for tool shims.</summary>
    public IReadOnlyDictionary<string, string> ChildEnvironment { get; }

    public string PackagePath(string id, string extension = "nupkg") => Path.Combine(Feed, $"{id}.{Version}.{extension}");

    /// <summary>A fresh folder under <see cref="Root"/>, so it sees the test nuget.config.</summary>
    public string NewDirectory(string name) => Directory.CreateDirectory(Path.Combine(Root, name)).FullName;

    public void Dispose()
    {
        if (Environment.GetEnvironmentVariable("VIRTSNAP_KEEP_PACKAGE_TEMP") != "1")
            Directory.Delete(Root, recursive: true);
    }

    [GeneratedRegex(@"^VirtSnap\.(?<version>\d[^/]*)\.nupkg$")]
    private static partial Regex LibraryFileName();
}

[CollectionDefinition(Name)]
public sealed class PackagesCollection : ICollectionFixture<PackagesFixture>
{
    public const string Name = "packages";
}
