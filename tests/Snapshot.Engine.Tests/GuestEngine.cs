using Microsoft.Extensions.Logging;
using Snapshot.TestGuest;

namespace Snapshot.Engine.Tests;

/// <summary>
/// A test guest on one stack with an engine connected to that stack on a connection of its own (as a caller's
/// would be, not the guest's) and the engine's handle on the guest's domain: the preamble of the VM tests.
/// Disposing it disposes the engine first, then the guest.
/// </summary>
internal sealed class GuestEngine : IAsyncDisposable
{
    private GuestEngine(Stack stack, TestGuest.TestGuest guest, SnapshotEngine engine)
    {
        Stack = stack;
        Guest = guest;
        Engine = engine;
        Domain = engine.Domain(guest.DomainName);
    }

    public Stack Stack { get; }
    public TestGuest.TestGuest Guest { get; }
    public SnapshotEngine Engine { get; }
    public SnapshotDomain Domain { get; }

    /// <summary>Boots a guest on <paramref name="stack"/> (waits for its first <c>seq=</c>) and connects the engine.</summary>
    public static Task<GuestEngine> StartAsync(string stack, string purpose, ILoggerFactory? logger = null) =>
        CreateAsync(stack, purpose, TestGuest.TestGuest.StartAsync, logger);

    /// <summary>Defines a guest on <paramref name="stack"/> without booting it, and connects the engine.</summary>
    public static Task<GuestEngine> DefineAsync(string stack, string purpose) =>
        CreateAsync(stack, purpose, TestGuest.TestGuest.DefineAsync);

    /// <summary>An external snapshot with memory: <c>NAME.mem</c> and the overlay <c>NAME.qcow2</c> in the guest's directory.</summary>
    public SnapshotCreateOptions External(string name) => new()
    {
        Name = name,
        Memory = MemorySpec.External(Path.Combine(Guest.Directory, name + ".mem")),
        Disks = [DiskSpec.External("vda", Path.Combine(Guest.Directory, name + ".qcow2"))],
    };

    /// <summary>An external disk-only snapshot: the overlay <c>NAME.qcow2</c> in the guest's directory.</summary>
    public SnapshotCreateOptions DiskOnly(string name) => new()
    {
        Name = name,
        Disks = [DiskSpec.External("vda", Path.Combine(Guest.Directory, name + ".qcow2"))],
        Modifiers = new SnapshotCreateModifiers { DiskOnly = true },
    };

    public async ValueTask DisposeAsync()
    {
        Engine.Dispose();
        await Guest.DisposeAsync();
    }

    private static async Task<GuestEngine> CreateAsync(string stackName, string purpose,
        Func<TestGuestOptions?, CancellationToken, Task<TestGuest.TestGuest>> create, ILoggerFactory? logger = null)
    {
        var stack = Stack.Named(stackName);
        var guest = await create(new TestGuestOptions { Uri = stack.Uri, Purpose = purpose }, CancellationToken.None);
        SnapshotEngine? engine = null;
        try
        {
            engine = SnapshotEngine.Connect(stack.Uri, logger);
            return new GuestEngine(stack, guest, engine);
        }
        catch
        {
            engine?.Dispose();
            await guest.DisposeAsync();
            throw;
        }
    }
}
