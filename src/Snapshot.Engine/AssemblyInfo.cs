namespace Snapshot.Engine;
