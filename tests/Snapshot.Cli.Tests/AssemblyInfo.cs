namespace Snapshot.Cli.Tests;
