using System.Diagnostics;
using Snapshot.Engine.Tests.Faults;

namespace Snapshot.Engine.Tests.Locking;

/// <summary>
/// One changing operation per domain at a time: a second one is refused at once (kind Busy, naming what runs),
/// reads go through, and a holder's death frees the lock. The first operation is held inside a step by the
/// fault seam; the other holder is a real process (flock(1), holding the lock alone: -o) killed with SIGKILL.
/// </summary>
public sealed class DomainLockTests
{
    [Fact]
    public async Task A_second_changing_operation_is_refused_while_the_first_runs_and_reads_go_through()
    {
        var hook = new HoldingHook("look-up");
        using var node = new FaultNode(hook);
        node.SeedExternal("a", "running");
        node.SeedExternal("b", "running", parent: "a", current: true);
        var domain = node.Engine.Domain(FaultNode.Domain);

        var first = domain.DeleteAsync("b");
        await hook.Reached.WaitAsync(TimeSpan.FromSeconds(30));

        var refused = await domain.Invoking(d => d.DeleteAsync("a")).Should().ThrowAsync<SnapshotException>();
        refused.Which.Kind.Should().Be(SnapshotErrorKind.Busy);
        refused.Which.Message.Should().MatchRegex(
            $@"^domain 'test' is busy: delete runs \(pid {Environment.ProcessId}, since \d{{4}}-\d\d-\d\d \d\d:\d\d:\d\d UTC\); try again when it ends$");
        (await domain.Invoking(d => d.SetCurrentAsync("a")).Should().ThrowAsync<SnapshotException>()).Which.Kind.Should().Be(SnapshotErrorKind.Busy);
        (await domain.ListAsync()).Select(s => s.Name).Should().BeEquivalentTo(["a", "b"], "reads are never blocked");

        hook.Release();
        await first;
        node.SnapshotNames().Should().Equal("a");
        await domain.DeleteAsync("a");
        node.SnapshotNames().Should().BeEmpty("the lock is free once the holder ended");
    }

    [Fact]
    public async Task A_killed_holders_lock_is_free_again()
    {
        using var node = new FaultNode(new FaultHook());
        node.SeedExternal("a", "running");
        var path = Path.Combine(DomainLock.Directory, DomainLock.KeyOf(node.Connection.Uri, node.Dom.Uuid) + ".lock");
        Directory.CreateDirectory(DomainLock.Directory);
        using var holder = Process.Start(new ProcessStartInfo("flock", ["-n", "-o", path, "-c", "echo locked; exec sleep 300"]) { RedirectStandardOutput = true })!;
        (await holder.StandardOutput.ReadLineAsync()).Should().Be("locked");
        var domain = node.Engine.Domain(FaultNode.Domain);

        var refused = await domain.Invoking(d => d.DeleteAsync("a")).Should().ThrowAsync<SnapshotException>();
        refused.Which.Kind.Should().Be(SnapshotErrorKind.Busy);
        refused.Which.Message.Should().Be("domain 'test' is busy: another operation runs (its holder wrote no record); try again when it ends");
        node.SnapshotNames().Should().Equal("a");

        holder.Kill(entireProcessTree: true);
        await holder.WaitForExitAsync();
        await domain.DeleteAsync("a");
        node.SnapshotNames().Should().BeEmpty();
    }

    [Fact]
    public async Task Two_test_driver_nodes_are_two_hypervisors_even_with_one_uuid()
    {
        // Each test:///path connection has its own copy of its node's domains, with the node file's UUIDs.
        var uuid = Guid.NewGuid();
        DomainLock.KeyOf("test:///tmp/a/node.xml", uuid).Should().NotBe(DomainLock.KeyOf("test:///tmp/b/node.xml", uuid));
        DomainLock.KeyOf("test:///default", uuid).Should().Be($"test-{Environment.ProcessId}-{uuid:D}");

        var hook = new HoldingHook("look-up");
        using var first = new FaultNode(hook);
        using var second = new FaultNode(new FaultHook());
        first.SeedExternal("a", "running");
        second.SeedExternal("a", "running");
        var held = first.Engine.Domain(FaultNode.Domain).DeleteAsync("a");
        await hook.Reached.WaitAsync(TimeSpan.FromSeconds(30));
        await second.Engine.Domain(FaultNode.Domain).DeleteAsync("a");
        second.SnapshotNames().Should().BeEmpty("the other node's operation holds only its own domain");
        hook.Release();
        await held;
    }

    // A process this one forks (a test's qemu-img, a CLI, virsh) holds a copy of every open lock file until it
    // execs, O_CLOEXEC or not: an operation of this process that just ended can still look held for that moment.
    // The next operation on the domain waits it out instead of calling it busy; another process's holder is not waited for.
    [Fact]
    public async Task A_lock_this_process_released_but_a_fork_still_holds_is_waited_for_not_refused()
    {
        using var node = new FaultNode(new FaultHook());
        node.SeedExternal("a", "running");
        var path = Path.Combine(DomainLock.Directory, DomainLock.KeyOf(node.Connection.Uri, node.Dom.Uuid) + ".lock");
        Directory.CreateDirectory(DomainLock.Directory);
        var copy = Snapshot.Interop.FileLock.TryAcquire(path, out var busy)!;
        busy.Should().BeNull();
        RandomAccess.Write(copy, System.Text.Encoding.UTF8.GetBytes($"create {Environment.ProcessId} 2026-12-01 00:00:00 UTC\n"), 0);
        _ = Task.Delay(300).ContinueWith(_ => copy.Dispose(), TaskScheduler.Default);

        await node.Engine.Domain(FaultNode.Domain).DeleteAsync("a");
        node.SnapshotNames().Should().BeEmpty("the lock was this process's own, released a moment later");
    }

    [Theory]
    [InlineData("qemu:///system", "")]
    [InlineData("qemu+unix:///system?socket=/run/libvirt/libvirt-sock", "")]
    [InlineData("qemu+ssh://root@host-1.example:22/system", "host-1.example-")]
    public void The_key_is_the_uuid_after_a_remote_host(string uri, string prefix)
    {
        var uuid = Guid.NewGuid();
        DomainLock.KeyOf(uri, uuid).Should().Be(prefix + uuid.ToString("D"));
    }

    /// <summary>Holds the operation inside one named step until the test releases it.</summary>
    private sealed class HoldingHook(string step) : IStepHook
    {
        private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Reached => _reached.Task;

        public void Release() => _release.TrySetResult();

        public async ValueTask BeforeAsync(StepPoint point, CancellationToken cancellationToken)
        {
            if (point.Step != step || point.Occurrence != 1)
                return;
            _reached.TrySetResult();
            await _release.Task.WaitAsync(cancellationToken);
        }

        public ValueTask AfterAsync(StepPoint point, StepLedger ledger, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }
}
