using Snapshot.Interop;
using Xunit.Abstractions;

namespace Snapshot.TestGuest.Tests;

public class TestGuestTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    [Theory]
    [MemberData(nameof(Stack.Names), MemberType = typeof(Stack))]
    public async Task A_busy_guest_keeps_its_disk_in_step_with_the_sequence_it_prints(string stack)
    {
        await using var guest = await TestGuest.StartAsync(new TestGuestOptions { MemoryMiB = 512, FillMiB = 256, Purpose = "selftest", Uri = Stack.Named(stack).Uri });
        output.WriteLine($"{guest.DomainName}: first seq= {guest.BootTime.TotalSeconds:0.0} s after Create()");
        var start = new LogMark(-1);
        guest.LinesAfter(start).Should().Contain("filled=256").And.Contain("start=0");

        var first = await guest.WaitForSequenceAsync(_ => true, Timeout);
        var second = await guest.WaitForSequenceAsync(s => s > first, Timeout);
        second.Should().BeGreaterThan(first);

        guest.Domain.Suspend();
        guest.Domain.GetState().State.Should().Be(DomainState.Paused);
        var printed = guest.LatestSequence();
        guest.ReadDiskSequence().Should().Be(printed);
        guest.ReadDiskSequence(guest.DiskPath).Should().Be(printed);

        var mark = guest.Mark();
        guest.Domain.Resume();
        (await guest.FirstSequenceAfterAsync(mark, Timeout)).Should().Be(printed + 1);
        guest.InconsistentLinesAfter(start).Should().BeEmpty();
    }

    [Theory]
    [MemberData(nameof(Stack.Names), MemberType = typeof(Stack))]
    public async Task Memory_from_another_instant_than_the_disk_is_reported_once(string stack)
    {
        await using var guest = await TestGuest.StartAsync(new TestGuestOptions { Purpose = "selftest-restore", Uri = Stack.Named(stack).Uri });
        await guest.WaitForSequenceAsync(s => s >= 3, Timeout);
        var image = Path.Combine(guest.Directory, "memory.save");

        guest.Domain.Save(image);
        var saved = guest.ReadDiskSequence();
        saved.Should().BeGreaterThanOrEqualTo(3);

        // Memory and disk from the same instant: goes on from the saved number, no complaint.
        var firstRestore = guest.Mark();
        guest.Connection.RestoreDomain(image);
        (await guest.FirstSequenceAfterAsync(firstRestore, Timeout)).Should().Be(saved + 1);
        var later = await guest.WaitForSequenceAsync(s => s >= saved + 3, Timeout);
        guest.InconsistentLinesAfter(firstRestore).Should().BeEmpty();

        // The same memory again, but the disk has moved on: one INCONSISTENT line, then the memory's number wins.
        guest.Domain.Destroy();
        var onDisk = guest.ReadDiskSequence();
        onDisk.Should().BeGreaterThanOrEqualTo(later);
        var secondRestore = guest.Mark();
        guest.Connection.RestoreDomain(image);
        (await guest.FirstSequenceAfterAsync(secondRestore, Timeout)).Should().Be(saved + 1);
        await guest.WaitForSequenceAsync(s => s >= saved + 3, Timeout);
        guest.InconsistentLinesAfter(secondRestore).Should().Equal($"INCONSISTENT disk={onDisk} mem={saved}");
    }

    [Fact]
    public async Task A_failing_test_body_leaves_no_domain_and_no_directory_behind()
    {
        TestGuest? seen = null;
        var body = async () =>
        {
            await using var guest = await TestGuest.StartAsync(new TestGuestOptions { Purpose = "selftest-cleanup" });
            seen = guest;
            await File.WriteAllTextAsync(Path.Combine(guest.Directory, "overlay.qcow2"), "something a test made");
            using (guest.Domain.CreateSnapshot("<domainsnapshot><name>left-behind</name></domainsnapshot>"))
            {
            }
            guest.Domain.ListAllSnapshots().Should().ContainSingle();
            throw new InvalidOperationException("deliberate failure");
        };

        await body.Should().ThrowAsync<InvalidOperationException>().WithMessage("deliberate failure");

        seen.Should().NotBeNull();
        Directory.Exists(seen!.Directory).Should().BeFalse();
        using var connection = LibvirtConnection.Open("qemu:///system");
        connection.Invoking(c => c.LookupDomain(seen.DomainName)).Should().Throw<DomainNotFoundException>();
    }

    [Fact]
    public async Task Options_that_cannot_fit_are_refused_before_anything_is_created()
    {
        var start = () => TestGuest.StartAsync(new TestGuestOptions { MemoryMiB = 128, FillMiB = 100 });
        await start.Should().ThrowAsync<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void Leftovers_of_a_dead_process_are_removed()
    {
        var name = $"virtsnap-leftover-{Guid.NewGuid().ToString("N")[..8]}";
        var directory = Path.Combine(TestGuest.RootDirectory, name);
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "owner-pid-starttime"), "999999999 0\n"); // no such process
        using var connection = LibvirtConnection.Open("qemu:///system");
        using (connection.DefineDomain($"""
            <domain type='qemu'><name>{name}</name><memory unit='MiB'>64</memory>
              <os><type arch='x86_64' machine='pc'>hvm</type></os></domain>
            """))
        {
        }

        TestGuest.CleanupLeftovers(includeOrphanDomains: false).Should().BeGreaterThanOrEqualTo(1);

        Directory.Exists(directory).Should().BeFalse();
        connection.Invoking(c => c.LookupDomain(name)).Should().Throw<DomainNotFoundException>();
    }
}
