using System.Runtime.InteropServices;
using Snapshot.Engine;
using Snapshot.Interop;

namespace Snapshot.Package.Tests;

/// <summary>
/// The public API of VirtSnap (Snapshot.Engine) and VirtSnap.Interop (Snapshot.Interop), kept in
/// PublicApi.approved.txt so every change to it shows up in review as a diff of that file.
/// To approve a change: run with VIRTSNAP_APPROVE_API=1 (rewrites the approved file), or copy
/// PublicApi.received.txt over PublicApi.approved.txt; then commit the approved file.
/// </summary>
public sealed class PublicApiTests
{
    private const string ApproveVariable = "VIRTSNAP_APPROVE_API";

    private static readonly System.Reflection.Assembly[] s_assemblies = [typeof(SnapshotEngine).Assembly, typeof(LibvirtConnection).Assembly];

    [Fact]
    public void Public_API_matches_the_approved_file()
    {
        var approvedPath = Path.Combine(Repo.TestProjectDirectory, "PublicApi.approved.txt");
        var receivedPath = Path.Combine(Repo.TestProjectDirectory, "PublicApi.received.txt");
        var received = PublicApi.Describe(s_assemblies);

        if (Environment.GetEnvironmentVariable(ApproveVariable) == "1")
        {
            File.WriteAllText(approvedPath, received);
            File.Delete(receivedPath);
            return;
        }

        var approved = File.Exists(approvedPath) ? File.ReadAllText(approvedPath).ReplaceLineEndings("\n") : string.Empty;
        if (approved == received)
        {
            File.Delete(receivedPath);
            return;
        }

        File.WriteAllText(receivedPath, received);
        var approvedLines = approved.Split('\n').ToHashSet(StringComparer.Ordinal);
        var receivedLines = received.Split('\n').ToHashSet(StringComparer.Ordinal);
        var added = receivedLines.Where(l => !approvedLines.Contains(l)).Select(l => "+ " + l.Trim());
        var removed = approvedLines.Where(l => !receivedLines.Contains(l)).Select(l => "- " + l.Trim());
        Assert.Fail($"""
            The public API changed. If that is intended, approve it: run
                {ApproveVariable}=1 dotnet test tests/Snapshot.Package.Tests --filter {nameof(PublicApiTests)}
            or copy {receivedPath} over {approvedPath}, and commit the approved file.
            Changes (lines):
            {string.Join("\n", removed.Concat(added).Take(60))}
            """);
    }

    [Fact]
    public void Native_layer_stays_internal()
    {
        var exported = s_assemblies.SelectMany(a => a.GetExportedTypes()).ToList();
        exported.Should().NotBeEmpty();
        exported.Should().NotContain(t => t.Namespace!.Split('.').Contains("Native"), "the Native folder's types are the raw layer");
        exported.Should().NotContain(t => t.Name == "Interop" || (t.DeclaringType != null && t.DeclaringType.Name == "Interop"), "raw imports stay internal");
        exported.Should().NotContain(t => typeof(SafeHandle).IsAssignableFrom(t), "handles stay internal");
        exported.SelectMany(t => t.GetMembers()).OfType<System.Reflection.MethodInfo>()
            .Should().NotContain(m => m.IsDefined(typeof(LibraryImportAttribute), false) || m.IsDefined(typeof(DllImportAttribute), false));
    }

    [Fact]
    public void Every_public_type_is_documented_in_the_packaged_xml()
    {
        foreach (var assembly in s_assemblies)
        {
            var xml = Path.ChangeExtension(assembly.Location, ".xml");
            File.Exists(xml).Should().BeTrue($"{assembly.GetName().Name} generates its documentation file");
            var documented = System.Xml.Linq.XDocument.Load(xml).Descendants("member").Select(m => (string)m.Attribute("name")!).ToHashSet(StringComparer.Ordinal);
            assembly.GetExportedTypes().Select(t => "T:" + t.FullName!.Replace('+', '.'))
                .Should().OnlyContain(id => documented.Contains(id));
        }
    }
}
