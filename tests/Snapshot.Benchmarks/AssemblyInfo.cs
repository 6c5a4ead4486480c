// The benchmark drives libvirt, QEMU and Linux tools: it runs on Linux only.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
