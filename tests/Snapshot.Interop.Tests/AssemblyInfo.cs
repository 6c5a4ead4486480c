namespace Snapshot.Interop.Tests;
