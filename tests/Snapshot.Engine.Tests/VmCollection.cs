namespace Snapshot.Engine.Tests;

/// <summary>Tests that boot TCG guests run one at a time: two cores cannot emulate several guests and keep time.</summary>
[CollectionDefinition("vm", DisableParallelization = true)]
public sealed class VmCollection;
