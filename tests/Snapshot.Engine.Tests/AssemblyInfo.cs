namespace Snapshot.Engine.Tests;
