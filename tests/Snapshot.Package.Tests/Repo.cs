namespace Snapshot.Package.Tests;

/// <summary>Paths in the source tree this test assembly was built from.</summary>
internal static class Repo
{
    public static string Root { get; } = FindRoot();

    public static string TestProjectDirectory => Path.Combine(Root, "tests", "Snapshot.Package.Tests");

    private static readonly Dictionary<string, string> AnyOwner = new()
    {
        ["GIT_CONFIG_COUNT"] = "1",
        ["GIT_CONFIG_KEY_0"] = "safe.directory",
        ["GIT_CONFIG_VALUE_0"] = "*",
    };

    /// <summary>
    /// For <c>git clone --upload-pack</c>: git's local transport clears the configuration given through the
    /// environment or <c>-c</c> before starting upload-pack in the source repository.
    /// </summary>
    public const string UploadPackAnyOwner = "git -c safe.directory=* upload-pack";

    /// <summary>The commit checked out (what SourceLink and the packages must name).</summary>
    public static string HeadCommit => Git(Root, "rev-parse", "HEAD");

    public static string Src(string project) => Path.Combine(Root, "src", project, project + ".csproj");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Snapshot.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException($"no Snapshot.sln above {AppContext.BaseDirectory}");
    }

    /// <summary>
    /// Runs git in <paramref name="directory"/>; its stdout, trimmed, or an exception with what it printed.
    /// Like the build (Directory.Build.targets), it reads a checkout owned by another user (see
    /// <see cref="UploadPackAnyOwner"/> for a clone of one).
    /// </summary>
    public static string Git(string directory, params string[] args)
    {
        var result = DotnetCli.RunProcess("git", directory, AnyOwner, args);
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"git {string.Join(' ', args)} in {directory}: {result}");
        return result.Out.Trim();
    }
}
