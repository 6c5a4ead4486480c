global using System.Runtime.InteropServices;
global using Snapshot.Interop;
