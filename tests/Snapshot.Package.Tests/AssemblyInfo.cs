// libvirt exists only on Linux.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
