using System.Collections.Concurrent;
using System.IO.Pipes;
using System.Text.Json;
using System.Xml.Linq;
using Xunit.Abstractions;

namespace Snapshot.Interop.Tests;

/// <summary>A real TCG guest on qemu:///system that only runs firmware; defined and started once, removed at the end.</summary>
public sealed class QemuDomainFixture : IDisposable
{
    public QemuDomainFixture()
    {
        Name = $"virtsnap-interop-{Guid.NewGuid().ToString("N")[..8]}";
        Directory = System.IO.Directory.CreateTempSubdirectory("virtsnap-interop-").FullName;
        File.SetUnixFileMode(Directory, (UnixFileMode)0b111_111_111); // QEMU runs as libvirt-qemu
        Connection = LibvirtConnection.Open("qemu:///system");
        try
        {
            Domain = Connection.DefineDomain(Xml);
            Domain.Create();
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public string Name { get; }

    public string Directory { get; }

    public LibvirtConnection Connection { get; }

    public LibvirtDomain? Domain { get; }

    public string Xml => $"""
        <domain type='qemu'>
          <name>{Name}</name>
          <memory unit='MiB'>64</memory>
          <vcpu>1</vcpu>
          <os><type arch='x86_64' machine='pc'>hvm</type></os>
          <on_poweroff>destroy</on_poweroff>
          <devices><memballoon model='none'/></devices>
        </domain>
        """;

    public void Dispose()
    {
        try
        {
            // Look the domain up again: a failed test may have left it in any state (or restored it).
            using var dom = Connection.ListAllDomains().FirstOrDefault(d => d.Name == Name);
            if (dom is not null)
            {
                if (dom.IsActive)
                {
                    dom.Destroy();
                }

                if (dom.IsPersistent)
                {
                    dom.Undefine();
                }
            }
        }
        finally
        {
            Domain?.Dispose();
            Connection.Dispose();
            System.IO.Directory.Delete(Directory, recursive: true);
        }
    }
}

[CollectionDefinition(nameof(QemuCollection))]
public sealed class QemuCollection : ICollectionFixture<QemuDomainFixture>
{
}

[Collection(nameof(QemuCollection))]
public sealed class QemuSystemTests(QemuDomainFixture fixture, ITestOutputHelper output)
{
    private static readonly TimeSpan EventTimeout = TimeSpan.FromSeconds(15);
    private LibvirtConnection Conn => fixture.Connection;
    private LibvirtDomain Dom => fixture.Domain!;

    [Fact]
    public void Connection_talks_to_qemu()
    {
        Conn.HypervisorType.Should().Be("QEMU");
        Conn.Uri.Should().Be("qemu:///system");
        Conn.HypervisorVersion.Major.Should().BeGreaterThanOrEqualTo(7);
        Conn.DaemonVersion.Should().Be(LibvirtConnection.LibraryVersion);
        Conn.IsAlive.Should().BeTrue();
        XDocument.Parse(Conn.GetCapabilities()).Descendants("domain").Should().Contain(d => (string?)d.Attribute("type") == "qemu");
    }

    [Fact]
    public void Missing_domain_message_is_libvirts()
    {
        var act = () => Conn.LookupDomain("virtsnap-interop-missing");
        var ex = act.Should().Throw<DomainNotFoundException>().Which;
        ex.Message.Should().Be("Domain not found: no domain with matching name 'virtsnap-interop-missing'");
        ex.Code.Should().Be(LibvirtErrorCode.NoDomain);
        ex.ErrorDomain.Should().Be(LibvirtErrorDomain.Qemu);
    }

    [Fact]
    public void Running_domain_reports_identity_and_state()
    {
        Dom.Name.Should().Be(fixture.Name);
        Dom.IsActive.Should().BeTrue();
        Dom.IsPersistent.Should().BeTrue();
        Dom.Id.Should().BePositive();
        Dom.GetState().State.Should().Be(DomainState.Running);
        using var byUuid = Conn.LookupDomain(Dom.Uuid);
        byUuid.Name.Should().Be(fixture.Name);
        XDocument.Parse(Dom.GetXmlDesc()).Root!.Attribute("type")!.Value.Should().Be("qemu");
        Conn.ListAllDomains(ListDomainsFlags.Active).Select(d => d.Name).Should().Contain(fixture.Name);
    }

    [Fact]
    public async Task Suspend_and_resume_raise_events()
    {
        var events = new BlockingCollection<DomainLifecycleEvent>();
        using var cts = new CancellationTokenSource(EventTimeout);
        var watched = WatchTwoAsync(Conn.WatchLifecycleAsync(Dom, cts.Token));
        using (Conn.SubscribeLifecycle(Dom, events.Add))
        {
            Dom.Suspend();
            Dom.GetState().Should().Be(new DomainStateInfo(DomainState.Paused, (int)DomainPausedReason.User));
            Dom.Resume();
            Dom.GetState().Should().Be(new DomainStateInfo(DomainState.Running, (int)DomainRunningReason.Unpaused));

            events.TryTake(out var suspended, EventTimeout).Should().BeTrue();
            suspended!.ToString().Should().Be($"event 'lifecycle' for domain '{fixture.Name}': Suspended Paused");
            events.TryTake(out var resumed, EventTimeout).Should().BeTrue();
            resumed!.ToString().Should().Be($"event 'lifecycle' for domain '{fixture.Name}': Resumed Unpaused");
            resumed.DomainUuid.Should().Be(Dom.Uuid);
        }

        (await watched).Select(e => e.Type).Should().Equal(DomainEventType.Suspended, DomainEventType.Resumed);
    }

    /// <summary>Takes the first two events; the registration is made before the first await inside.</summary>
    private static async Task<List<DomainLifecycleEvent>> WatchTwoAsync(IAsyncEnumerable<DomainLifecycleEvent> stream)
    {
        var result = new List<DomainLifecycleEvent>();
        await foreach (var e in stream)
        {
            result.Add(e);
            if (result.Count == 2)
            {
                break;
            }
        }

        return result;
    }

    [Fact]
    public void Qemu_monitor_answers_query_status()
    {
        var reply = Dom.QemuMonitorCommand("{\"execute\":\"query-status\"}");
        using var json = JsonDocument.Parse(reply);
        json.RootElement.GetProperty("return").GetProperty("status").GetString().Should().Be("running");

        var hmp = Dom.QemuMonitorCommand("info status", QemuMonitorCommandFlags.Hmp);
        hmp.Should().Contain("running");
    }

    [Fact]
    public void Qemu_monitor_returns_qmp_errors_as_replies()
    {
        // QMP-level errors are not libvirt errors: the reply carries them.
        var reply = Dom.QemuMonitorCommand("{\"execute\":\"no-such-command\"}");
        using var json = JsonDocument.Parse(reply);
        json.RootElement.GetProperty("error").GetProperty("class").GetString().Should().Be("CommandNotFound");
    }

    [Fact]
    public void Qemu_monitor_rejects_malformed_json()
    {
        var act = () => Dom.QemuMonitorCommand("{not json");
        act.Should().Throw<LibvirtException>();
    }

    [Fact]
    public void Qemu_monitor_accepts_a_file_descriptor()
    {
        using var pipe = new AnonymousPipeServerStream(PipeDirection.Out);
        var reply = Dom.QemuMonitorCommandWithFiles(
            "{\"execute\":\"getfd\",\"arguments\":{\"fdname\":\"x\"}}",
            [pipe.SafePipeHandle],
            out var returned);
        returned.Should().BeEmpty();
        JsonDocument.Parse(reply).RootElement.TryGetProperty("return", out _).Should().BeTrue(reply);

        var closed = Dom.QemuMonitorCommandWithFiles("{\"execute\":\"closefd\",\"arguments\":{\"fdname\":\"x\"}}", [], out _);
        JsonDocument.Parse(closed).RootElement.TryGetProperty("return", out _).Should().BeTrue(closed);

        var again = Dom.QemuMonitorCommand("{\"execute\":\"closefd\",\"arguments\":{\"fdname\":\"x\"}}");
        JsonDocument.Parse(again).RootElement.GetProperty("error").GetProperty("desc").GetString().Should().Contain("x", "the fd was already closed");
    }

    [Fact]
    public void Idle_domain_has_no_job()
    {
        Dom.GetJobInfo().Type.Should().Be(DomainJobType.None);
        Dom.GetJobStats(out var type).Should().NotBeNull();
        type.Should().Be(DomainJobType.None);
        var abort = Dom.AbortJob;
        abort.Should().Throw<OperationInvalidException>();
    }

    [Fact]
    public void Save_and_restore_round_trip()
    {
        var path = Path.Combine(fixture.Directory, "save.img");
        var events = new BlockingCollection<DomainLifecycleEvent>();
        using (Conn.SubscribeLifecycle(Dom, events.Add))
        {
            Dom.Save(path);
            Dom.IsActive.Should().BeFalse();
            Dom.GetState().Should().Be(new DomainStateInfo(DomainState.Shutoff, (int)DomainShutoffReason.Saved));
            File.Exists(path).Should().BeTrue();

            var stats = Dom.GetJobStats(out var jobType, DomainJobStatsFlags.Completed);
            output.WriteLine($"completed job {jobType}: {string.Join(", ", stats.Select(kv => $"{kv.Key}={kv.Value}({kv.Value.GetType().Name})"))}");

            var imageXml = XDocument.Parse(Conn.GetSaveImageXml(path));
            imageXml.Root!.Element("name")!.Value.Should().Be(fixture.Name);

            Conn.RestoreDomain(path);
            Dom.IsActive.Should().BeTrue();
            Dom.GetState().State.Should().Be(DomainState.Running);

            var seen = new List<DomainLifecycleEvent>();
            while (seen.Count < 2 && events.TryTake(out var e, EventTimeout))
            {
                seen.Add(e);
            }

            while (events.TryTake(out var e, TimeSpan.FromMilliseconds(300)))
            {
                seen.Add(e);
            }

            output.WriteLine(string.Join(Environment.NewLine, seen));
            seen.Should().Contain(e => e.Type == DomainEventType.Stopped && e.DetailValue.Equals(DomainEventStoppedDetail.Saved));
            seen.Should().Contain(e => e.Type == DomainEventType.Started && e.DetailValue.Equals(DomainEventStartedDetail.Restored));
        }
    }

    [Fact]
    public void Restore_of_a_missing_image_fails_cleanly()
    {
        var act = () => Conn.RestoreDomain(Path.Combine(fixture.Directory, "absent.img"));
        var ex = act.Should().Throw<LibvirtException>().Which;
        ex.Message.Should().Contain("absent.img");
        Dom.IsActive.Should().BeTrue();
    }
}
