using System.Runtime.Versioning;

// libvirt, QEMU and the test guest are Linux-only.
[assembly: SupportedOSPlatform("linux")]
