using System.Text.Json;

namespace Snapshot.Package.Tests;

/// <summary>
/// The build is warning-free (<c>-warnaserror</c>, as in the test command) however the source tree was checked
/// out. CI clones main from a bare repository; Microsoft.Build.Tasks.Git followed that local remote, found no
/// working directory there and warned, which failed CI's build. The root build files are taken from this
/// working tree, so what is checked is the build as it is now, not as last committed.
/// </summary>
public sealed class CheckoutBuildTests : IDisposable
{
    private static readonly string[] RootBuildFiles =
        ["Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props", "nuget.config", ".editorconfig"];

    private readonly string root = Directory.CreateTempSubdirectory("virtsnap-checkout-").FullName;
    private readonly ITestOutputHelper output;

    public CheckoutBuildTests(ITestOutputHelper output) => this.output = output;

    [Fact]
    public void A_clone_of_a_bare_repository_owned_by_another_user_builds_with_SourceLink_to_its_commit()
    {
        var origin = Path.Combine(root, "repo.git");
        Repo.Git(root, "init", "--quiet", "--bare", origin);
        var work = Clone();
        Repo.Git(work, "remote", "set-url", "origin", origin);
        // git refuses such a checkout ("dubious ownership") unless told otherwise; the test command runs as root.
        var chown = DotnetCli.RunProcess("chown", root, new Dictionary<string, string>(), "-R", "nobody", work);
        chown.ExitCode.Should().Be(0, "the test command runs as root: {0}", chown);

        Build(work);

        var map = File.ReadAllText(Path.Combine(work, "src/Snapshot.Interop/obj/Release/net10.0/Snapshot.Interop.sourcelink.json"));
        output.WriteLine(map);
        // The checkout's path as built, or "/_/" in a ContinuousIntegrationBuild (CI=true).
        var mapped = JsonDocument.Parse(map).RootElement.GetProperty("documents").EnumerateObject().Should().ContainSingle().Subject;
        mapped.Name.Should().BeOneOf(Path.Combine(work, "*"), "/_/*");
        mapped.Value.GetString().Should().Be($"https://raw.githubusercontent.com/virt-snap/virt-snap/{Repo.Git(work, "rev-parse", "HEAD")}/*");
    }

    [Fact]
    public void A_source_tree_outside_git_builds_without_SourceLink()
    {
        var work = Clone();
        Directory.Delete(Path.Combine(work, ".git"), recursive: true);

        Build(work);

        File.Exists(Path.Combine(work, "src/Snapshot.Interop/bin/Release/net10.0/Snapshot.Interop.dll")).Should().BeTrue();
        File.Exists(Path.Combine(work, "src/Snapshot.Interop/obj/Release/net10.0/Snapshot.Interop.sourcelink.json")).Should().BeFalse();
    }

    private string Clone()
    {
        var work = Path.Combine(root, "work");
        Repo.Git(root, "clone", "--quiet", "--upload-pack", Repo.UploadPackAnyOwner, Repo.Root, work);
        foreach (var file in RootBuildFiles)
            File.Copy(Path.Combine(Repo.Root, file), Path.Combine(work, file), overwrite: true);
        return work;
    }

    private void Build(string work)
    {
        var build = DotnetCli.Run(work, new Dictionary<string, string>(),
            "build", "src/Snapshot.Interop/Snapshot.Interop.csproj", "-c", "Release", "-warnaserror");
        output.WriteLine(build.ToString());
        build.ExitCode.Should().Be(0, "the build must pass with -warnaserror: {0}", build);
        build.Out.Should().Contain("0 Warning(s)");
    }

    public void Dispose() => Directory.Delete(root, recursive: true);
}
