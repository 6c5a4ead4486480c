namespace Snapshot.Engine.Tests;

/// <summary>Tests that boot real guests: one at a time, the host has two cores.</summary>
[CollectionDefinition("vm", DisableParallelization = true)]
public sealed class VmCollection;
