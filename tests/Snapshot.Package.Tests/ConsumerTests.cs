namespace Snapshot.Package.Tests;

/// <summary>A new project that takes VirtSnap from the fresh package, as <c>dotnet add package VirtSnap</c> would.</summary>
[Collection(PackagesCollection.Name)]
public sealed class ConsumerTests(PackagesFixture packages, ITestOutputHelper output)
{
    private const string Program = """
        using Snapshot.Engine;
        using Snapshot.Interop;

        using var engine = SnapshotEngine.Connect("test:///default");
        var test = engine.Domain("test");
        var created = await test.CreateAsync(new SnapshotCreateOptions { Name = "from-package", Description = "made by the consumer" });
        Console.WriteLine($"created {created.Name}");
        foreach (var snapshot in await test.ListAsync())
            Console.WriteLine($"listed {snapshot.Name} {snapshot.Description}");
        try
        {
            await test.GetAsync("missing");
        }
        catch (SnapshotException e) when (e.Kind == SnapshotErrorKind.NotFound && e.InnerException is LibvirtException l)
        {
            Console.WriteLine($"not found: {l.Code}");
        }
        """;

    [Fact]
    public void Builds_against_the_package_and_snapshots_the_test_domain()
    {
        var dir = packages.NewDirectory("consumer");
        File.WriteAllText(Path.Combine(dir, "Consumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="VirtSnap" Version="{packages.Version}" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(dir, "Program.cs"), Program);

        var run = DotnetCli.Run(dir, packages.ChildEnvironment, "run", "-c", "Release");
        output.WriteLine(run.ToString());

        run.ExitCode.Should().Be(0, run.ToString());
        run.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Should().Equal(
            "created from-package",
            "listed from-package made by the consumer",
            "not found: NoDomainSnapshot");

        // The restore took both packages from the fresh feed, into the private packages folder.
        var restored = Path.Combine(packages.ChildEnvironment["NUGET_PACKAGES"], "virtsnap", packages.Version, "lib", "net10.0");
        File.Exists(Path.Combine(restored, "Snapshot.Engine.xml")).Should().BeTrue();
        File.Exists(Path.Combine(packages.ChildEnvironment["NUGET_PACKAGES"], "virtsnap.interop", packages.Version, "lib", "net10.0", "Snapshot.Interop.dll"))
            .Should().BeTrue();
    }
}
