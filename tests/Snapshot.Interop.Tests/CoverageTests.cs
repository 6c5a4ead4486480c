using System.Globalization;
using System.Reflection;
using System.Xml.Linq;

namespace Snapshot.Interop.Tests;

/// <summary>Keeps the binding honest against libvirt's own API description.</summary>
public sealed class CoverageTests
{
    private const string ApiDir = "/usr/share/libvirt/api/";
    private static readonly XDocument[] s_api =
    [
        XDocument.Load(ApiDir + "libvirt-api.xml"),
        XDocument.Load(ApiDir + "libvirt-qemu-api.xml"),
    ];

    private static readonly HashSet<string> s_functions = s_api
        .SelectMany(d => d.Descendants("function"))
        .Select(f => (string)f.Attribute("name")!)
        .ToHashSet(StringComparer.Ordinal);

    private static readonly List<(string Name, string Type, string Value)> s_enums = s_api
        .SelectMany(d => d.Descendants("enum"))
        .Select(e => ((string)e.Attribute("name")!, (string?)e.Attribute("type") ?? string.Empty, (string)e.Attribute("value")!))
        .ToList();

    private static readonly Assembly s_assembly = typeof(LibvirtConnection).Assembly;

    /// <summary>Every [LibraryImport] of the interop assembly: (library, entry point).</summary>
    private static IEnumerable<(string Library, string EntryPoint, string Method)> Imports() =>
        s_assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            .Select(m => (Method: m, Attr: m.GetCustomAttribute<LibraryImportAttribute>()))
            .Where(x => x.Attr is not null)
            .Select(x => (x.Attr!.LibraryName, x.Attr.EntryPoint ?? x.Method.Name, $"{x.Method.DeclaringType!.Name}.{x.Method.Name}"));

    /// <summary>The libvirt entry points among <paramref name="names"/> that libvirt's API description does not list.</summary>
    private static List<string> MissingFunctions(IEnumerable<string> names) => names.Where(n => !s_functions.Contains(n)).ToList();

    [Fact]
    public void Assembly_has_libvirt_imports_from_both_libraries()
    {
        var imports = Imports().ToList();
        imports.Should().Contain(i => i.Library == "libvirt.so.0" && i.EntryPoint == "virDomainSnapshotCreateXML");
        imports.Should().Contain(i => i.Library == "libvirt-qemu.so.0" && i.EntryPoint == "virDomainQemuMonitorCommandWithFiles");
        imports.Count(i => i.Library.StartsWith("libvirt", StringComparison.Ordinal)).Should().BeGreaterThan(60);
    }

    [Fact]
    public void Every_libvirt_entry_point_exists_in_the_api_description()
    {
        var libvirtImports = Imports().Where(i => i.Library.StartsWith("libvirt", StringComparison.Ordinal)).Select(i => i.EntryPoint);
        MissingFunctions(libvirtImports).Should().BeEmpty();
    }

    [Fact]
    public void A_misspelled_entry_point_is_reported()
    {
        MissingFunctions(["virDomainLookupByName", "virDomainLookupByNaem", "virGetLastError"])
            .Should().Equal("virDomainLookupByNaem");
    }

    [Fact]
    public void Only_reviewed_libc_calls_are_imported_from_outside_libvirt()
    {
        // free for libvirt's caller-owned strings; lseek for descriptors handed to QEMU; pipe2, fcntl
        // (F_SETPIPE_SZ, O_DIRECT through F_SETFL) and ftruncate for the instant snapshot's memory relay;
        // open (O_NOFOLLOW, no .NET lock of its own) and flock for the per-domain operation lock; fsync of the
        // journal's directory (fcntl F_DUPFD gives the drain guard its inheritable descriptor); pidfd_open and
        // process_madvise (MADV_COLLAPSE) put QEMU's guest RAM back on huge pages after an instant snapshot; statx
        // and lchown give an overlay its frozen image's owner without a chown process.
        Imports().Where(i => !i.Library.StartsWith("libvirt", StringComparison.Ordinal))
            .Select(i => (i.Library, i.EntryPoint))
            .Should().BeEquivalentTo(new[]
            {
                ("libc.so.6", "free"), ("libc.so.6", "lseek"), ("libc.so.6", "pipe2"), ("libc.so.6", "fcntl"), ("libc.so.6", "ftruncate"),
                ("libc.so.6", "open"), ("libc.so.6", "flock"), ("libc.so.6", "fsync"),
                ("libc.so.6", "pidfd_open"), ("libc.so.6", "process_madvise"),
                ("libc.so.6", "statx"), ("libc.so.6", "lchown"),
            });
    }

    private static IEnumerable<Type> MappedEnumTypes() =>
        s_assembly.GetTypes().Where(t => t.IsEnum && t.GetCustomAttribute<LibvirtEnumAttribute>() is not null);

    public static TheoryData<string> MappedEnums()
    {
        var data = new TheoryData<string>();
        foreach (var type in MappedEnumTypes())
        {
            data.Add(type.Name);
        }

        return data;
    }

    [Fact]
    public void The_required_enums_are_mapped()
    {
        var mapped = MappedEnumTypes().Select(t => t.Name).ToList();
        mapped.Should().Contain(
        [
            "ConnectFlags", "ListDomainsFlags", "DomainState", "DomainXmlFlags", "DomainCreateFlags", "DomainDestroyFlags",
            "DomainDefineFlags", "DomainUndefineFlags", "DomainSaveRestoreFlags", "DomainJobStatsFlags", "DomainJobType",
            "SnapshotCreateFlags", "SnapshotListFlags", "SnapshotXmlFlags", "SnapshotRevertFlags", "SnapshotDeleteFlags",
            "QemuMonitorCommandFlags", "DomainEventType", "DomainEventStartedDetail", "DomainEventSuspendedDetail",
            "DomainEventResumedDetail", "DomainEventStoppedDetail", "DomainEventShutdownDetail", "DomainEventPMSuspendedDetail",
            "DomainEventCrashedDetail", "DomainEventDefinedDetail", "DomainEventUndefinedDetail", "DomainRunningReason",
            "DomainPausedReason", "DomainShutoffReason", "LibvirtErrorCode", "LibvirtErrorDomain", "LibvirtErrorLevel",
        ]);
    }

    [Theory]
    [MemberData(nameof(MappedEnums))]
    public void Enum_carries_libvirts_names_and_values(string enumName)
    {
        var type = s_assembly.GetTypes().Single(t => t.Name == enumName && t.IsEnum);
        CompareEnum(type).Should().BeEmpty();
    }

    [Fact]
    public void A_wrong_enum_value_is_reported()
    {
        CompareEnum(typeof(WrongSnapshotDeleteFlags)).Should().ContainSingle().Which.Should().Contain("MetadataOnly");
    }

    /// <summary>Differences between a C# enum and libvirt's enum type of the same meaning, one line each.</summary>
    private static List<string> CompareEnum(Type type)
    {
        var attr = type.GetCustomAttribute<LibvirtEnumAttribute>()!;
        var expected = s_enums
            .Where(e => e.Type == attr.TypeName && !e.Name.EndsWith("_LAST", StringComparison.Ordinal))
            .ToDictionary(e => e.Name, e => Resolve(e.Value));
        var problems = new List<string>();
        if (expected.Count == 0)
        {
            problems.Add($"libvirt has no enum type {attr.TypeName}");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var field in type.GetFields(BindingFlags.Public | BindingFlags.Static))
        {
            var value = Convert.ToInt64(field.GetRawConstantValue(), CultureInfo.InvariantCulture);
            var cName = field.GetCustomAttribute<LibvirtNameAttribute>()?.Name
                ?? expected.Keys.FirstOrDefault(k => string.Equals(Normalize(k, attr.Prefix), field.Name, StringComparison.OrdinalIgnoreCase));
            if (cName is null)
            {
                if (!(field.Name == "None" && value == 0))
                {
                    problems.Add($"{type.Name}.{field.Name} has no libvirt counterpart in {attr.TypeName}");
                }

                continue;
            }

            seen.Add(cName);
            if (!expected.TryGetValue(cName, out var libvirtValue))
            {
                problems.Add($"{type.Name}.{field.Name}: {cName} is not in {attr.TypeName}");
            }
            else if (libvirtValue != value)
            {
                problems.Add($"{type.Name}.{field.Name} = {value}, libvirt's {cName} = {libvirtValue}");
            }
        }

        problems.AddRange(expected.Keys.Where(k => !seen.Contains(k)).Select(k => $"{type.Name} lacks {k}"));
        return problems;
    }

    private static string Normalize(string cName, string prefix) =>
        (cName.StartsWith(prefix, StringComparison.Ordinal) ? cName[prefix.Length..] : cName["VIR_".Length..]).Replace("_", string.Empty, StringComparison.Ordinal);

    private static long Resolve(string value)
    {
        // Aliases name another enum value instead of a number.
        while (!long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _))
        {
            value = s_enums.First(e => e.Name == value).Value;
        }

        return long.Parse(value, CultureInfo.InvariantCulture);
    }

    [LibvirtEnum("virDomainSnapshotDeleteFlags", "VIR_DOMAIN_SNAPSHOT_DELETE_")]
    [Flags]
    private enum WrongSnapshotDeleteFlags : uint
    {
        None = 0,
        Children = 1,
        MetadataOnly = 4, // libvirt: 2
        ChildrenOnly = 4,
    }
}
