namespace Snapshot.Cli.Tests;

/// <summary>
/// Tests that boot TCG guests run alone, after the parallel ones: two cores cannot emulate a busy guest and
/// keep its time while other tests start hundreds of virsh processes, and the instant test measures how
/// soon after the request the snapshot point comes.
/// </summary>
[CollectionDefinition("vm", DisableParallelization = true)]
public sealed class VmCollection;
