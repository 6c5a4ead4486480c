namespace Snapshot.Package.Tests;

/// <summary>Paths in the source tree this test assembly was built from.</summary>
internal static class Repo
{
    public static string Root { get; } = FindRoot();

    public static string TestProjectDirectory => Path.Combine(Root, "tests", "Snapshot.Package.Tests");

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
    /// Like the build (Directory.Build.targets), it reads a checkout owned by another user.
    /// </summary>
    public static string Git(string directory, params string[] args)
    {
        var result = DotnetCli.RunProcess("git", directory, new Dictionary<string, string>(), ["-c", "safe.directory=*", .. args]);
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"git {string.Join(' ', args)} in {directory}: {result}");
        return result.Out.Trim();
    }
}
