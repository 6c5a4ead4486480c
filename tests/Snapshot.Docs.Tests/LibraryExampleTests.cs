using Snapshot.Docs.Tests.Examples;
using Snapshot.Engine;
using Snapshot.Interop;

namespace Snapshot.Docs.Tests;

/// <summary>
/// Runs the library examples that work without a VM: against <c>test:///default</c> (in-process, a
/// running domain named <c>test</c>, no snapshots) or the demo node <c>docs/examples/demo-node.xml</c>.
/// The instant-snapshot, disk-only and cancel examples need QEMU: they are compiled, not run here.
/// </summary>
public sealed class LibraryExampleTests
{
    private static readonly string DemoNode = "test://" + Repo.Path("docs/examples/demo-node.xml");

    [Fact]
    public void Connect_prints_the_versions() =>
        Capture(() => Connecting.PrintVersions("test:///default"))
            .Should().Be("libvirt 9.0.0, daemon 9.0.0, TEST 0.0.2\n");

    [Fact]
    public void An_engine_on_an_existing_connection_leaves_it_open()
    {
        using var connection = LibvirtConnection.Open("test:///default");
        using (var engine = Connecting.OnExistingConnection(connection))
            engine.GetVersions().HypervisorType.Should().Be("TEST");

        connection.IsAlive.Should().BeTrue();
    }

    [Fact]
    public async Task Logging_example_connects() =>
        Capture(() => Connecting.WithLogging("test:///default")).Should().Be("connected: TEST\n");

    [Fact]
    public async Task Classic_snapshot_is_created_and_current()
    {
        using var engine = SnapshotEngine.Connect("test:///default");
        var output = await CaptureAsync(() => Creating.TakeClassicSnapshotAsync(engine, "test"));

        output.Should().EndWith("created before-upgrade: Running, Internal, current: True\n");
        (await engine.Domain("test").ListAsync()).Select(s => s.Name).Should().Equal("before-upgrade");
    }

    [Fact]
    public void Print_xml_needs_no_connection() =>
        Capture(Creating.PrintRequestXml).Should().Be(
            "<domainsnapshot>\n  <name>nightly</name>\n  <memory file='/var/lib/libvirt/images/web1.nightly.mem'/>\n</domainsnapshot>\n");

    [Fact]
    public async Task List_tree_and_info_read_the_demo_node()
    {
        using var engine = SnapshotEngine.Connect(DemoNode);

        (await CaptureAsync(() => Reading.PrintListAsync(engine, "demo"))).Should().Be(
            "installed       2023-11-14 22:13 shutoff  Internal\n" +
            "configured      2023-11-14 23:13 running  Internal\n" +
            "before-upgrade  2023-11-15 00:13 running  Internal (current)\n" +
            "experiment      2023-11-15 01:13 shutoff  Internal\n");
        (await CaptureAsync(() => Reading.PrintTreeAsync(engine, "demo"))).Should().Be(
            "installed\n  configured\n    before-upgrade\n  experiment\n");
        (await CaptureAsync(() => Reading.PrintInfoAsync(engine, "demo"))).Should().Be(
            "before-upgrade: parent configured, 0 children, 0 descendants\nmemory: internal, disks: \n");
    }

    [Fact]
    public async Task Revert_to_an_internal_snapshot_makes_it_current()
    {
        using var engine = SnapshotEngine.Connect(DemoNode);

        var output = await CaptureAsync(() => Reverting.RevertAsync(engine, "demo", "configured"));

        output.Should().Be("demo is back at configured (Internal), current: True\n");
        (await engine.Domain("demo").GetCurrentAsync())!.Name.Should().Be("configured");
    }

    [Fact]
    public async Task Delete_with_children_removes_the_branch()
    {
        using var engine = SnapshotEngine.Connect(DemoNode);

        await Reverting.DeleteBranchAsync(engine, "demo", "configured");

        (await engine.Domain("demo").ListAsync()).Select(s => s.Name).Should().BeEquivalentTo("installed", "experiment");
    }

    [Fact]
    public async Task Subscribe_and_watch_see_lifecycle_events()
    {
        using var engine = SnapshotEngine.Connect("test:///default");
        var dom = engine.Domain("test");
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var writer = new StringWriter { NewLine = "\n" };
        var original = Console.Out;
        Console.SetOut(TextWriter.Synchronized(writer));
        try
        {
            using (Events.LogReverts(engine, "test"))
            {
                var watching = Events.WatchAsync(engine, "test", cts.Token);
                await dom.SuspendAsync();
                await dom.ResumeAsync();
                while (!writer.ToString().Contains("Resumed Unpaused", StringComparison.Ordinal) && !cts.IsCancellationRequested)
                    await Task.Delay(20);
                await cts.CancelAsync();
                var watch = async () => await watching;
                await watch.Should().ThrowAsync<OperationCanceledException>();
            }
        }
        finally
        {
            Console.SetOut(original);
        }

        var lines = writer.ToString().Split('\n');
        lines.Should().Contain("event 'lifecycle' for domain 'test': Suspended Paused")
            .And.Contain(l => l.EndsWith(" test: Suspended Paused", StringComparison.Ordinal))
            .And.Contain(l => l.EndsWith(" test: Resumed Unpaused", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Errors_are_classified()
    {
        using var engine = SnapshotEngine.Connect(DemoNode);
        SnapshotErrorKind? kind = null;

        (await CaptureAsync(async () => kind = await Errors.DescribeAsync(engine, "demo", "nope")))
            .Should().Be("NotFound: Domain snapshot not found: no domain snapshot with matching name 'nope'\n");
        kind.Should().Be(SnapshotErrorKind.NotFound);
        (await CaptureAsync(async () => kind = await Errors.DescribeAsync(engine, "no-such-domain", "nope")))
            .Should().StartWith("NotFound: ");
        (await CaptureAsync(() => Errors.DescribeAsync(engine, "demo", "installed"))).Should().Be("installed: Shutoff\n");
    }

    [Fact]
    public async Task Typed_exceptions_can_be_caught()
    {
        using var engine = SnapshotEngine.Connect(DemoNode);

        var output = await CaptureAsync(() => Errors.RevertOrExplainAsync(engine, "demo", "nope"));

        output.Should().Be("no such domain or snapshot: Domain snapshot not found: no domain snapshot with matching name 'nope'\n");
    }

    private static string Capture(Action action)
    {
        var writer = new StringWriter { NewLine = "\n" };
        var original = Console.Out;
        Console.SetOut(writer);
        try
        {
            action();
        }
        finally
        {
            Console.SetOut(original);
        }

        return writer.ToString();
    }

    private static async Task<string> CaptureAsync(Func<Task> action)
    {
        var writer = new StringWriter { NewLine = "\n" };
        var original = Console.Out;
        Console.SetOut(TextWriter.Synchronized(writer));
        try
        {
            await action();
        }
        finally
        {
            Console.SetOut(original);
        }

        return writer.ToString();
    }
}
