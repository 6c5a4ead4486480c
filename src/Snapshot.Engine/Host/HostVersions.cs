namespace Snapshot.Engine;

/// <summary>What <c>virsh version</c> prints: the library, the daemon and the hypervisor.</summary>
/// <param name="Library">The libvirt library this process loaded.</param>
/// <param name="Daemon">The libvirt daemon's version (null for in-process drivers such as test:///).</param>
/// <param name="HypervisorType">e.g. <c>QEMU</c>, <c>TEST</c>.</param>
/// <param name="Hypervisor">The hypervisor's version.</param>
public sealed record HostVersions(Version Library, Version? Daemon, string HypervisorType, Version Hypervisor);
