namespace Snapshot.Interop;
