using System.Text;
using Snapshot.Cli.Output;

namespace Snapshot.Cli.Tests;

/// <summary>Finding a locale's name in glibc's locale archive, which is read a megabyte at a time.</summary>
public sealed class VirshLocaleTests : IDisposable
{
    private readonly string archive = Path.GetTempFileName();

    [Theory]
    [InlineData(0)]
    [InlineData((1 << 20) - 5)] // the name straddles the first two chunks
    [InlineData((1 << 20) + 17)]
    public void A_name_anywhere_in_the_archive_is_found(int offset)
    {
        Write(offset, "de_DE.utf8\0");

        VirshLocale.ArchiveHolds(archive, "de_DE.utf8").Should().BeTrue();
        VirshLocale.ArchiveHolds(archive, "fr_FR.utf8").Should().BeFalse();
        // The terminating NUL is part of the match: a longer name is another locale.
        VirshLocale.ArchiveHolds(archive, "de_DE.utf").Should().BeFalse();
    }

    private void Write(int offset, string name)
    {
        var bytes = new byte[(3 << 20) + 11];
        bytes.AsSpan().Fill((byte)'x');
        Encoding.ASCII.GetBytes(name).CopyTo(bytes, offset);
        File.WriteAllBytes(archive, bytes);
    }

    public void Dispose() => File.Delete(archive);
}
