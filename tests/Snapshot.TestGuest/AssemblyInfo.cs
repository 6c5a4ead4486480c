namespace Snapshot.TestGuest;
