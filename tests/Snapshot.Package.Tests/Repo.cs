namespace Snapshot.Package.Tests;

/// <summary>Paths in the source tree this test assembly was built from.</summary>
internal static class Repo
{
    public static string Root { get; } = FindRoot();

    public static string TestProjectDirectory => Path.Combine(Root, "tests", "Snapshot.Package.Tests");

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
}
