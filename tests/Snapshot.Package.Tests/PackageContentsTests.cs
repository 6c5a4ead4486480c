using System.IO.Compression;
using System.Reflection.Metadata;
using System.Text.Json;
using System.Xml.Linq;

namespace Snapshot.Package.Tests;

/// <summary>What is inside the packages: the library, the binding, and the tool's pointer, native and portable packages.</summary>
[Collection(PackagesCollection.Name)]
public sealed class PackageContentsTests(PackagesFixture packages, ITestOutputHelper output)
{
    // PortableCustomDebugInfoKinds.SourceLink
    private static readonly Guid SourceLinkKind = new("CC110556-A091-4D38-9FEC-25AB9A351A6A");

    // PortableCustomDebugInfoKinds.EmbeddedSource
    private static readonly Guid EmbeddedSourceKind = new("0E8A571B-6926-466E-B4AD-8AB04611F5FE");

    private static List<string> Entries(string nupkg)
    {
        using var zip = ZipFile.OpenRead(nupkg);
        return zip.Entries.Select(e => e.FullName).ToList();
    }

    private static XElement Nuspec(string nupkg)
    {
        using var zip = ZipFile.OpenRead(nupkg);
        using var stream = zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open();
        return XElement.Load(stream);
    }

    private static XElement Element(XElement parent, string name) => parent.Descendants().First(e => e.Name.LocalName == name);

    [Fact]
    public void Library_package_holds_the_engine_its_docs_and_a_readme_and_depends_on_the_binding()
    {
        output.WriteLine($"packed {packages.Version} in {packages.PackTime.TotalSeconds:F1} s");
        var entries = Entries(packages.PackagePath("VirtSnap"));
        entries.Should().Contain(["lib/net10.0/Snapshot.Engine.dll", "lib/net10.0/Snapshot.Engine.xml", "README.md"]);

        var nuspec = Nuspec(packages.PackagePath("VirtSnap"));
        Element(nuspec, "readme").Value.Should().Be("README.md");
        Element(nuspec, "license").Value.Should().Be("MIT");
        var repository = Element(nuspec, "repository");
        repository.Attribute("type")!.Value.Should().Be("git");
        repository.Attribute("url")!.Value.Should().StartWith("https://github.com/");
        repository.Attribute("commit")!.Value.Should().Be(Repo.HeadCommit);
        nuspec.Descendants().Where(e => e.Name.LocalName == "dependency").Select(e => e.Attribute("id")!.Value)
            .Should().Contain("VirtSnap.Interop");
    }

    [Fact]
    public void Library_package_pins_the_exact_binding_version_it_was_built_with()
    {
        // "[x.y.z]" is exactly x.y.z; a bare "x.y.z" would be ">= x.y.z" and let the binding be upgraded alone.
        var binding = Nuspec(packages.PackagePath("VirtSnap")).Descendants()
            .Single(e => e.Name.LocalName == "dependency" && e.Attribute("id")!.Value == "VirtSnap.Interop");
        binding.Attribute("version")!.Value.Should().Be($"[{packages.Version}]");
    }

    [Fact]
    public void Binding_grants_no_package_access_to_its_internals()
    {
        // The engine uses the binding's public surface only, so the two packages can be versioned apart safely.
        using var zip = ZipFile.OpenRead(packages.PackagePath("VirtSnap.Interop"));
        using var dll = new MemoryStream();
        using (var stream = zip.GetEntry("lib/net10.0/Snapshot.Interop.dll")!.Open())
            stream.CopyTo(dll);
        dll.Position = 0;
        using var pe = new System.Reflection.PortableExecutable.PEReader(dll);
        var reader = pe.GetMetadataReader();
        var friends = reader.GetAssemblyDefinition().GetCustomAttributes()
            .Select(reader.GetCustomAttribute)
            .Where(a => AttributeName(reader, a) == "InternalsVisibleToAttribute")
            .Select(a => System.Text.Encoding.UTF8.GetString(reader.GetBlobBytes(a.Value)))
            .ToList();
        output.WriteLine(string.Join("\n", friends));
        friends.Should().NotContain(f => f.Contains("Snapshot.Engine", StringComparison.Ordinal));
        friends.Should().NotContain(f => f.Contains("Snapshot.Cli", StringComparison.Ordinal));
    }

    private static string AttributeName(MetadataReader reader, CustomAttribute attribute) => attribute.Constructor.Kind switch
    {
        HandleKind.MemberReference => reader.GetString(reader.GetTypeReference((TypeReferenceHandle)reader.GetMemberReference((MemberReferenceHandle)attribute.Constructor).Parent).Name),
        _ => "",
    };

    [Fact]
    public void Binding_package_holds_the_interop_assembly_its_docs_and_a_readme()
    {
        Entries(packages.PackagePath("VirtSnap.Interop"))
            .Should().Contain(["lib/net10.0/Snapshot.Interop.dll", "lib/net10.0/Snapshot.Interop.xml", "README.md"]);
    }

    [Theory]
    [InlineData("VirtSnap", "Snapshot.Engine")]
    [InlineData("VirtSnap.Interop", "Snapshot.Interop")]
    public void Symbol_packages_map_the_checkout_to_this_commit_and_embed_what_git_does_not_hold(string id, string assembly)
    {
        using var zip = ZipFile.OpenRead(packages.PackagePath(id, "snupkg"));
        using var pdb = new MemoryStream();
        using (var stream = zip.GetEntry($"lib/net10.0/{assembly}.pdb")!.Open())
            stream.CopyTo(pdb);
        pdb.Position = 0;
        using var provider = MetadataReaderProvider.FromPortablePdbStream(pdb);
        var reader = provider.GetMetadataReader();

        var sourceLink = reader.CustomDebugInformation
            .Select(reader.GetCustomDebugInformation)
            .Where(c => reader.GetGuid(c.Kind) == SourceLinkKind)
            .Select(c => System.Text.Encoding.UTF8.GetString(reader.GetBlobBytes(c.Value)))
            .Single();
        output.WriteLine(sourceLink);
        // One root, the checkout: its path as built, or "/_/" in a ContinuousIntegrationBuild (CI=true).
        var root = JsonDocument.Parse(sourceLink).RootElement.GetProperty("documents").EnumerateObject().Should().ContainSingle().Subject;
        root.Name.Should().BeOneOf(Path.Combine(Repo.Root, "*"), "/_/*");
        root.Value.GetString().Should().Be($"https://raw.githubusercontent.com/virt-snap/virt-snap/{Repo.HeadCommit}/*");

        var embedded = reader.Documents
            .Where(h => reader.GetCustomDebugInformation(h).Any(c => reader.GetGuid(reader.GetCustomDebugInformation(c).Kind) == EmbeddedSourceKind))
            .Select(h => reader.GetString(reader.GetDocument(h).Name))
            .ToList();
        output.WriteLine(string.Join("\n", embedded));
        // Generated under obj (git ignores it), so the debugger can only get it from the PDB.
        embedded.Should().Contain(n => n.EndsWith($"{assembly}.AssemblyInfo.cs", StringComparison.Ordinal));
        // Held by git, so the debugger fetches it through SourceLink instead.
        var tracked = Repo.Git(Repo.Root, "ls-files", $"src/{assembly}").Split('\n');
        tracked.Should().Contain(f => f.EndsWith(".cs", StringComparison.Ordinal));
        embedded.Should().NotContain(n => tracked.Any(f => n.EndsWith("/" + f, StringComparison.Ordinal)));
    }

    [Fact]
    public void Tool_package_is_a_dotnet_tool_named_virt_snap_pointing_at_a_native_and_a_portable_package()
    {
        var pointer = packages.PackagePath("virt-snap");
        Entries(pointer).Should().Contain(["tools/any/any/DotnetToolSettings.xml", "README.md"])
            .And.NotContain(e => e.EndsWith(".dll", StringComparison.Ordinal), "the implementation lives in the runtime-specific packages");
        var settings = ToolSettings(pointer, "tools/any/any/DotnetToolSettings.xml");
        settings.Descendants("Command").Single().Attribute("Name")!.Value.Should().Be("virt-snap");
        settings.Descendants("RuntimeIdentifierPackage").Select(e => (e.Attribute("RuntimeIdentifier")!.Value, e.Attribute("Id")!.Value))
            .Should().BeEquivalentTo([("linux-x64", "virt-snap.linux-x64"), ("any", "virt-snap.any")]);
        PackageTypes(pointer).Should().Contain("DotnetTool");
    }

    [Fact]
    public void Linux_x64_tool_package_holds_the_NativeAOT_binary_alone()
    {
        var native = packages.PackagePath("virt-snap.linux-x64");
        Entries(native).Where(e => e.StartsWith("tools/", StringComparison.Ordinal))
            .Should().BeEquivalentTo(["tools/any/linux-x64/DotnetToolSettings.xml", "tools/any/linux-x64/virt-snap"]);
        using (var zip = ZipFile.OpenRead(native))
        using (var binary = zip.GetEntry("tools/any/linux-x64/virt-snap")!.Open())
        {
            var magic = new byte[4];
            binary.ReadExactly(magic);
            magic.Should().Equal([0x7F, (byte)'E', (byte)'L', (byte)'F'], "a native executable, not an apphost beside a dll");
        }

        var command = ToolSettings(native, "tools/any/linux-x64/DotnetToolSettings.xml").Descendants("Command").Single();
        command.Attribute("EntryPoint")!.Value.Should().Be("virt-snap");
        command.Attribute("Runner")!.Value.Should().Be("executable");
        PackageTypes(native).Should().Contain("DotnetToolRidPackage");
    }

    [Fact]
    public void Any_tool_package_is_the_framework_dependent_fallback()
    {
        var portable = packages.PackagePath("virt-snap.any");
        Entries(portable).Should().Contain(["tools/net10.0/any/DotnetToolSettings.xml", "tools/net10.0/any/virt-snap.dll",
            "tools/net10.0/any/Snapshot.Engine.dll", "tools/net10.0/any/Snapshot.Interop.dll"]);
        ToolSettings(portable, "tools/net10.0/any/DotnetToolSettings.xml").Descendants("Command").Single()
            .Attribute("EntryPoint")!.Value.Should().Be("virt-snap.dll");
        PackageTypes(portable).Should().Contain("DotnetToolRidPackage");
    }

    private static XElement ToolSettings(string nupkg, string entry)
    {
        using var zip = ZipFile.OpenRead(nupkg);
        using var stream = zip.GetEntry(entry)!.Open();
        return XElement.Load(stream);
    }

    private static List<string> PackageTypes(string nupkg) =>
        Nuspec(nupkg).Descendants().Where(e => e.Name.LocalName == "packageType").Select(e => e.Attribute("name")!.Value).ToList();
}
