using System.Diagnostics;

namespace Snapshot.Interop.Tests;

/// <summary>A file's owner read and set in-process, checked against coreutils' own reading of it.</summary>
public sealed class FileOwnerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("virtsnap-fileowner-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void The_owner_read_is_the_one_stat_reports_and_a_new_one_is_set()
    {
        var file = Path.Combine(_dir, "file");
        File.WriteAllText(file, "x");
        FileOwner.Of(file).Should().Be(Stat(file, dereference: true));

        FileOwner.Set(file, 4321, 8765);

        Stat(file, dereference: true).Should().Be((4321u, 8765u));
        FileOwner.Of(file).Should().Be((4321u, 8765u));
    }

    [Fact]
    public void A_link_is_followed_when_read_and_changed_itself_when_set()
    {
        var target = Path.Combine(_dir, "target");
        File.WriteAllText(target, "x");
        FileOwner.Set(target, 1111, 2222);
        var link = Path.Combine(_dir, "link");
        File.CreateSymbolicLink(link, target);

        FileOwner.Of(link).Should().Be((1111u, 2222u), "the reference's owner is its target's");
        FileOwner.Set(link, 3333, 4444);

        Stat(link, dereference: false).Should().Be((3333u, 4444u));
        Stat(target, dereference: true).Should().Be((1111u, 2222u), "the target is never changed through the link");
    }

    [Fact]
    public void A_missing_file_is_an_IOException_naming_it()
    {
        var missing = Path.Combine(_dir, "missing");
        FluentActions.Invoking(() => FileOwner.Of(missing)).Should().Throw<IOException>().WithMessage($"statx of {missing} failed*");
        FluentActions.Invoking(() => FileOwner.Set(missing, 1, 1)).Should().Throw<IOException>().WithMessage($"lchown of {missing} failed*");
    }

    private static (uint, uint) Stat(string path, bool dereference)
    {
        var start = new ProcessStartInfo("stat") { RedirectStandardOutput = true };
        if (dereference)
            start.ArgumentList.Add("-L");
        foreach (var a in new[] { "-c", "%u %g", path })
            start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var parts = process.StandardOutput.ReadToEnd().Trim().Split(' ');
        process.WaitForExit();
        process.ExitCode.Should().Be(0);
        return (uint.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture), uint.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture));
    }
}
