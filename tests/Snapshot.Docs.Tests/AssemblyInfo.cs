// libvirt exists only on Linux.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

// The library examples write to Console.Out, which the tests capture: one test at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
