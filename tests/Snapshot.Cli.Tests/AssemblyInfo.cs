// libvirt and its guests exist only on Linux.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
