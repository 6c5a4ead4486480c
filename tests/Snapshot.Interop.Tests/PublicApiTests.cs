using System.Reflection;

namespace Snapshot.Interop.Tests;

/// <summary>The engine builds against these exact names; and nothing of the native layer leaks out.</summary>
public sealed class PublicApiTests
{
    private static readonly Assembly s_assembly = typeof(LibvirtConnection).Assembly;

    private static string Describe(MethodBase m)
    {
        var parameters = string.Join(", ", m.GetParameters().Select(p => (p.ParameterType.IsByRef ? "out " + p.ParameterType.GetElementType()!.Name : p.ParameterType.Name) + " " + p.Name));
        var returns = m is MethodInfo mi ? mi.ReturnType.Name + " " : string.Empty;
        return $"{(m.IsStatic ? "static " : string.Empty)}{returns}{m.DeclaringType!.Name}.{m.Name}({parameters})";
    }

    private static IEnumerable<string> Members(Type t) =>
        t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly)
            .Where(m => !m.IsSpecialName || m.Name.StartsWith("get_", StringComparison.Ordinal))
            .Select(Describe);

    [Fact]
    public void Public_surface_contains_what_the_engine_uses()
    {
        var actual = new[] { typeof(LibvirtConnection), typeof(LibvirtDomain), typeof(LibvirtDomainSnapshot) }.SelectMany(Members).ToList();
        actual.Should().Contain(
        [
            "static LibvirtConnection LibvirtConnection.Open(String uri, ConnectFlags flags)",
            "static Version LibvirtConnection.get_LibraryVersion()",
            "String LibvirtConnection.get_Uri()",
            "String LibvirtConnection.get_Hostname()",
            "String LibvirtConnection.get_HypervisorType()",
            "Version LibvirtConnection.get_HypervisorVersion()",
            "Version LibvirtConnection.get_DaemonVersion()",
            "String LibvirtConnection.GetCapabilities()",
            "Boolean LibvirtConnection.get_IsAlive()",
            "LibvirtDomain LibvirtConnection.LookupDomain(String name)",
            "LibvirtDomain LibvirtConnection.LookupDomain(Guid uuid)",
            "IReadOnlyList`1 LibvirtConnection.ListAllDomains(ListDomainsFlags flags)",
            "LibvirtDomain LibvirtConnection.DefineDomain(String xml, DomainDefineFlags flags)",
            "Void LibvirtConnection.RestoreDomain(String path, String xml, DomainSaveRestoreFlags flags)",
            "String LibvirtConnection.GetSaveImageXml(String path, DomainXmlFlags flags)",
            "IDisposable LibvirtConnection.SubscribeLifecycle(LibvirtDomain domain, Action`1 handler)",
            "IAsyncEnumerable`1 LibvirtConnection.WatchLifecycleAsync(LibvirtDomain domain, CancellationToken cancellationToken)",
            "LibvirtConnection LibvirtDomain.get_Connection()",
            "String LibvirtDomain.get_Name()",
            "Guid LibvirtDomain.get_Uuid()",
            "Int32 LibvirtDomain.get_Id()",
            "DomainStateInfo LibvirtDomain.GetState()",
            "Boolean LibvirtDomain.get_IsActive()",
            "Boolean LibvirtDomain.get_IsPersistent()",
            "String LibvirtDomain.GetXmlDesc(DomainXmlFlags flags)",
            "Void LibvirtDomain.Create(DomainCreateFlags flags)",
            "Void LibvirtDomain.Destroy(DomainDestroyFlags flags)",
            "Void LibvirtDomain.Suspend()",
            "Void LibvirtDomain.Resume()",
            "Void LibvirtDomain.Undefine(DomainUndefineFlags flags)",
            "Void LibvirtDomain.Save(String path, String xml, DomainSaveRestoreFlags flags)",
            "DomainJobInfo LibvirtDomain.GetJobInfo()",
            "IReadOnlyDictionary`2 LibvirtDomain.GetJobStats(DomainJobStatsFlags flags)",
            "Void LibvirtDomain.AbortJob()",
            "LibvirtDomainSnapshot LibvirtDomain.CreateSnapshot(String xml, SnapshotCreateFlags flags)",
            "IReadOnlyList`1 LibvirtDomain.ListAllSnapshots(SnapshotListFlags flags)",
            "Int32 LibvirtDomain.SnapshotCount(SnapshotListFlags flags)",
            "IReadOnlyList`1 LibvirtDomain.ListSnapshotNames(SnapshotListFlags flags)",
            "LibvirtDomainSnapshot LibvirtDomain.LookupSnapshot(String name)",
            "Boolean LibvirtDomain.get_HasCurrentSnapshot()",
            "LibvirtDomainSnapshot LibvirtDomain.GetCurrentSnapshot()",
            "String LibvirtDomain.QemuMonitorCommand(String command, QemuMonitorCommandFlags flags)",
            "String LibvirtDomain.QemuMonitorCommandWithFiles(String command, IReadOnlyList`1 files, out IReadOnlyList`1 returnedFiles, QemuMonitorCommandFlags flags)",
            "LibvirtDomain LibvirtDomainSnapshot.get_Domain()",
            "String LibvirtDomainSnapshot.get_Name()",
            "String LibvirtDomainSnapshot.GetXmlDesc(SnapshotXmlFlags flags)",
            "LibvirtDomainSnapshot LibvirtDomainSnapshot.GetParent()",
            "IReadOnlyList`1 LibvirtDomainSnapshot.ListAllChildren(SnapshotListFlags flags)",
            "Int32 LibvirtDomainSnapshot.ChildCount(SnapshotListFlags flags)",
            "Void LibvirtDomainSnapshot.Revert(SnapshotRevertFlags flags)",
            "Void LibvirtDomainSnapshot.Delete(SnapshotDeleteFlags flags)",
            "Boolean LibvirtDomainSnapshot.get_IsCurrent()",
            "Boolean LibvirtDomainSnapshot.get_HasMetadata()",
        ]);
    }

    [Fact]
    public void Native_layer_stays_internal()
    {
        var publicTypes = s_assembly.GetExportedTypes();
        publicTypes.Should().NotContain(t => typeof(SafeHandle).IsAssignableFrom(t));
        publicTypes.Select(t => t.Name).Should().NotContain(["Interop", "LibvirtError", "LibvirtEventLoop", "LifecycleRegistration", "NativeString"]);
        publicTypes.SelectMany(t => t.GetProperties()).Select(p => p.PropertyType)
            .Should().NotContain(t => t == typeof(IntPtr) || typeof(SafeHandle).IsAssignableFrom(t));
    }

    [Fact]
    public void Exceptions_derive_from_LibvirtException()
    {
        new[]
        {
            typeof(DomainNotFoundException), typeof(SnapshotNotFoundException), typeof(OperationInvalidException),
            typeof(UnsupportedConfigurationException), typeof(SnapshotRevertRiskyException), typeof(AuthenticationFailedException),
        }.Should().AllSatisfy(t => t.BaseType.Should().Be<LibvirtException>());
    }

    [Theory]
    [InlineData(LibvirtErrorCode.NoDomain, 42, typeof(DomainNotFoundException))]
    [InlineData(LibvirtErrorCode.NoDomainSnapshot, 72, typeof(SnapshotNotFoundException))]
    [InlineData(LibvirtErrorCode.OperationInvalid, 55, typeof(OperationInvalidException))]
    [InlineData(LibvirtErrorCode.ConfigUnsupported, 67, typeof(UnsupportedConfigurationException))]
    [InlineData(LibvirtErrorCode.SnapshotRevertRisky, 77, typeof(SnapshotRevertRiskyException))]
    [InlineData(LibvirtErrorCode.AuthFailed, 45, typeof(AuthenticationFailedException))]
    [InlineData(LibvirtErrorCode.InternalError, 1, typeof(LibvirtException))]
    [InlineData((LibvirtErrorCode)9999, 9999, typeof(LibvirtException))]
    public void Error_codes_map_to_typed_exceptions(LibvirtErrorCode code, int value, Type expected)
    {
        ((int)code).Should().Be(value);
        var ex = LibvirtError.Create("message", code, LibvirtErrorDomain.Qemu, LibvirtErrorLevel.Error);
        ex.GetType().Should().Be(expected);
        ex.Message.Should().Be("message");
        ex.Code.Should().Be(code);
        ex.ErrorDomain.Should().Be(LibvirtErrorDomain.Qemu);
    }
}
