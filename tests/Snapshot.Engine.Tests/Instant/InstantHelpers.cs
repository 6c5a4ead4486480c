using System.Diagnostics;
using System.Xml.Linq;
using Snapshot.Interop;
using Snapshot.TestGuest;

namespace Snapshot.Engine.Tests.Instant;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal static class InstantHelpers
{
    public static SnapshotCreateOptions InstantRequest(string name, string memoryFile, params DiskSpec[] disks) => new()
    {
        Name = name,
        Memory = new MemorySpec(SnapshotMode.External, memoryFile),
        Disks = disks,
        Modifiers = new SnapshotCreateModifiers { Instant = true },
    };

    /// <summary>The active image of the guest's disk and its backing file (null when none).</summary>
    public static (string Active, string? Backing) DiskChain(TestGuest.TestGuest guest)
    {
        var xml = XElement.Parse(guest.Domain.GetXmlDesc());
        var disk = xml.Element("devices")!.Elements("disk").Single();
        var active = (string)disk.Element("source")!.Attribute("file")!;
        var backing = (string?)disk.Element("backingStore")?.Element("source")?.Attribute("file");
        return (active, backing);
    }

    public static IReadOnlyDictionary<string, bool> MigrationCapabilities(TestGuest.TestGuest guest)
    {
        using var doc = System.Text.Json.JsonDocument.Parse(guest.Domain.QemuMonitorCommand("{\"execute\":\"query-migrate-capabilities\"}"));
        return doc.RootElement.GetProperty("return").EnumerateArray()
            .ToDictionary(c => c.GetProperty("capability").GetString()!, c => c.GetProperty("state").GetBoolean());
    }

    public static long MaxBandwidth(TestGuest.TestGuest guest)
    {
        using var doc = System.Text.Json.JsonDocument.Parse(guest.Domain.QemuMonitorCommand("{\"execute\":\"query-migrate-parameters\"}"));
        return doc.RootElement.GetProperty("return").GetProperty("max-bandwidth").GetInt64();
    }

    /// <summary>QEMU's migration status (<c>query-migrate</c>), <c>none</c> before any migration.</summary>
    public static string MigrationStatus(TestGuest.TestGuest guest)
    {
        using var doc = System.Text.Json.JsonDocument.Parse(guest.Domain.QemuMonitorCommand("{\"execute\":\"query-migrate\"}"));
        return doc.RootElement.GetProperty("return").TryGetProperty("status", out var s) ? s.GetString()! : "none";
    }

    public static void SetCapability(TestGuest.TestGuest guest, string capability, bool on)
    {
        var command = new System.Text.Json.Nodes.JsonObject
        {
            ["execute"] = "migrate-set-capabilities",
            ["arguments"] = new System.Text.Json.Nodes.JsonObject
            {
                ["capabilities"] = new System.Text.Json.Nodes.JsonArray(new System.Text.Json.Nodes.JsonObject { ["capability"] = capability, ["state"] = on }),
            },
        };
        var reply = guest.Domain.QemuMonitorCommand(command.ToJsonString());
        reply.Should().NotContain("\"error\"");
    }

    /// <summary>The state every failure must leave: running, on <paramref name="expectedActive"/>, no snapshot metadata.</summary>
    public static void ShouldBeRunningWithoutSnapshots(TestGuest.TestGuest guest, string expectedActive)
    {
        guest.Domain.GetState().State.Should().Be(DomainState.Running);
        DiskChain(guest).Active.Should().Be(expectedActive);
        guest.Domain.SnapshotCount().Should().Be(0);
        MigrationCapabilities(guest)["background-snapshot"].Should().BeFalse("the engine restores QEMU's capabilities");
    }

    /// <summary>
    /// The engine's revert to <paramref name="snapshot"/>, the guest first let run past its frozen image's counter: it
    /// comes back at that counter (the old process prints on until the revert destroys it) and runs on, consistent.
    /// </summary>
    public static async Task RevertsToThePointAsync(TestGuest.TestGuest guest, SnapshotDomain domain, string snapshot, Xunit.Abstractions.ITestOutputHelper output, TimeSpan timeout)
    {
        var frozen = guest.ReadDiskSequence(guest.DiskPath);
        await guest.WaitForSequenceAsync(s => s > frozen + 3, timeout);
        var mark = guest.Mark();
        await domain.RevertAsync(snapshot);
        var first = await guest.WaitForSequenceAfterAsync(mark, s => s <= frozen + 1, timeout);
        output.WriteLine($"frozen image at {frozen}, first after the revert {first}");
        first.Should().BeInRange(frozen, frozen + 1, "the guest resumes at the snapshot point");
        await guest.WaitForSequenceAfterAsync(mark, s => s >= first + 3, timeout);
        guest.InconsistentLinesAfter(mark).Should().BeEmpty();
    }

    /// <summary>What a refusal must leave as it was: the guest's files, definition, snapshots, state and QEMU's capabilities.</summary>
    public static Action Unchanged(TestGuest.TestGuest guest)
    {
        var files = Directory.GetFiles(guest.Directory).Order(StringComparer.Ordinal).ToList();
        var definition = guest.Domain.GetXmlDesc();
        var capabilities = MigrationCapabilities(guest);
        return () =>
        {
            Directory.GetFiles(guest.Directory).Order(StringComparer.Ordinal).Should().Equal(files);
            guest.Domain.GetXmlDesc().Should().Be(definition);
            guest.Domain.SnapshotCount().Should().Be(0);
            guest.Domain.GetState().State.Should().Be(DomainState.Running);
            MigrationCapabilities(guest).Should().Equal(capabilities);
        };
    }

    public static string Run(string file, params string[] arguments)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in arguments)
            info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} exited {process.ExitCode}: {error}");
        return output;
    }

    /// <summary>The stack's own virsh on its daemon; fails loudly unless it exits 0.</summary>
    public static string Virsh(Stack stack, params string[] arguments)
    {
        var (code, output, error) = stack.RunVirsh(["-c", stack.Uri, .. arguments]);
        if (code != 0)
            throw new InvalidOperationException($"{stack}'s virsh {string.Join(' ', arguments)} exited {code}: {error}");
        return output;
    }
}
