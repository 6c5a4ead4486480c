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
