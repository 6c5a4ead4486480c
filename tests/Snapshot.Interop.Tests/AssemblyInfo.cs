global using System.Runtime.InteropServices;
global using Snapshot.Interop;

[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
