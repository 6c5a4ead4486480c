using Snapshot.Interop;
using Snapshot.TestGuest;

namespace Snapshot.Cli.Tests.BadInput;

/// <summary>
/// The domains the corpus runs against, in this test process: one on test:///default (whose state lives
/// as long as a connection to it is open, so what one command changed, the next one and the check see),
/// and a QEMU domain on qemu:///system, defined and never started. Each has a directory of files the
/// cases name (XML that is not UTF-8, a directory, ...).
/// </summary>
public sealed class CorpusDomains : IAsyncLifetime
{
    public const string TestUri = "test:///default";
    public const string QemuUri = "qemu:///system";

    public string TestDomain { get; } = "badinput-" + Guid.NewGuid().ToString("N")[..8];

    public string TestDirectory { get; } = Path.Combine(Path.GetTempPath(), "virt-snap-badinput-" + Guid.NewGuid().ToString("N"));

    public LibvirtConnection TestConnection { get; } = LibvirtConnection.Open(TestUri);

    public TestGuest.TestGuest Qemu { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(TestDirectory);
        Directory.CreateDirectory(Path.Combine(TestDirectory, "adir"));
        File.WriteAllBytes(Path.Combine(TestDirectory, "disk.img"), new byte[4096]);
        File.WriteAllBytes(Path.Combine(TestDirectory, "bad.xml"), [.. "<domainsnapshot><name>"u8, 0xC0, .. "</name></domainsnapshot>\n"u8]);
        File.WriteAllBytes(Path.Combine(TestDirectory, "latin1.xml"), [.. "<?xml version='1.0' encoding='ISO-8859-1'?><domainsnapshot><name>caf"u8, 0xE9, .. "</name></domainsnapshot>\n"u8]);
        File.WriteAllText(Path.Combine(TestDirectory, "empty.xml"), "");
        File.WriteAllText(Path.Combine(TestDirectory, "notxml.xml"), "this is not XML\n");
        File.WriteAllText(Path.Combine(TestDirectory, "wrongroot.xml"), "<domain><name>x</name></domain>\n");
        File.WriteAllText(Path.Combine(TestDirectory, "wellformed.xml"), "<domainsnapshot><name>x</name></domainsnapshot>\n");

        var uuid = Guid.NewGuid();
        using (TestConnection.DefineDomain(
            $"<domain type='test'><name>{TestDomain}</name><uuid>{uuid}</uuid><memory>524288</memory><vcpu>1</vcpu>" +
            "<os><type arch='i686'>hvm</type></os><devices><disk type='file' device='disk'>" +
            $"<source file='{TestDirectory}/disk.img'/><target dev='vda' bus='virtio'/></disk></devices></domain>"))
        {
        }

        Seed(TestUri, TestDomain, "base");
        Seed(TestUri, TestDomain, "child");

        Qemu = await TestGuest.TestGuest.DefineAsync(new TestGuestOptions { Purpose = "badinput" });
        Seed(QemuUri, Qemu.DomainName, "base");
    }

    public async Task DisposeAsync()
    {
        try
        {
            using (var domain = TestConnection.LookupDomain(TestDomain))
            {
                domain.Undefine(DomainUndefineFlags.SnapshotsMetadata);
            }
        }
        finally
        {
            TestConnection.Dispose();
            Directory.Delete(TestDirectory, recursive: true);
            if (Qemu is not null)
            {
                await Qemu.DisposeAsync();
            }
        }
    }

    private static void Seed(string uri, string domain, string snapshot)
    {
        var result = VirtSnap.Run("-c", uri, "snapshot-create-as", domain, snapshot);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"seeding snapshot {snapshot} of {domain}: {result.Err}");
        }
    }
}

/// <summary>
/// The bad-input corpus (BadInput/corpus.txt): each case exits with its code, prints exactly one line on
/// stderr, and leaves the domain, its snapshots and its files as they were.
/// </summary>
public sealed class BadInputCorpusTests(CorpusDomains domains) : IClassFixture<CorpusDomains>
{
    public static TheoryData<CorpusCase> Cases()
    {
        var data = new TheoryData<CorpusCase>();
        foreach (var c in CorpusCase.Load())
        {
            data.Add(c);
        }

        return data;
    }

    [Fact]
    public void The_corpus_has_at_least_100_cases_across_every_command()
    {
        var cases = CorpusCase.Load();
        cases.Should().HaveCountGreaterThanOrEqualTo(100);
        var commands = cases.SelectMany(c => c.Arguments).Where(a => Cli.RootCommand.Subcommands.Any(s => s.Name == a)).ToHashSet();
        commands.Should().BeEquivalentTo(Cli.RootCommand.Subcommands.Select(s => s.Name));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_bad_input_exits_with_its_code_one_error_line_and_changes_nothing(CorpusCase c)
    {
        var (connection, uri, domain, directory) = c.Target switch
        {
            "qemu" => (domains.Qemu.Connection, CorpusDomains.QemuUri, domains.Qemu.DomainName, domains.Qemu.Directory),
            _ => (domains.TestConnection, CorpusDomains.TestUri, domains.TestDomain, domains.TestDirectory),
        };
        string Fill(string s) => s.Replace("{dom}", domain, StringComparison.Ordinal).Replace("{dir}", directory, StringComparison.Ordinal)
            .Replace("{testdir}", domains.TestDirectory, StringComparison.Ordinal);
        var args = c.Arguments.Select(Fill).ToList();
        if (c.Target != "none")
        {
            args.InsertRange(0, ["-c", uri]);
        }

        var before = CorpusState.Capture(connection, domain, directory);
        var result = VirtSnap.Run([.. args]);
        var after = CorpusState.Capture(connection, domain, directory);

        result.ExitCode.Should().Be(c.ExitCode, result.Err);
        result.Err.Should().StartWith(Fill(c.ErrorStart)).And.EndWith("\n");
        result.Err.Count(ch => ch == '\n').Should().Be(1, "one line, no stack trace");
        result.Err.Where(char.IsControl).Should().Equal(['\n'], "no raw control character reaches the terminal");
        after.Should().Be(before, "a refused command changes nothing");
    }
}
