namespace Snapshot.TestGuest;

/// <summary>How <see cref="TestGuest.StartAsync"/> builds and boots the test guest.</summary>
public sealed record TestGuestOptions
{
    /// <summary>Guest RAM. Must leave room for the kernel next to <see cref="FillMiB"/> (at least 96 MiB more).</summary>
    public int MemoryMiB { get; init; } = 256;

    /// <summary>MiB of RAM the workload fills with seeded pseudo-random data (<c>vsnap.fill</c>).</summary>
    public int FillMiB { get; init; } = 64;

    /// <summary>MiB/s at which the filled memory keeps being rewritten; 0 never rewrites (<c>vsnap.rate</c>).</summary>
    public int RewriteMiBPerSecond { get; init; }

    /// <summary>Period of the sequence number (<c>vsnap.tick</c>).</summary>
    public int TickMilliseconds { get; init; } = 200;

    /// <summary>Size of the base qcow2 image.</summary>
    public int DiskMiB { get; init; } = 16;

    /// <summary>libvirt connection URI.</summary>
    public string Uri { get; init; } = "qemu:///system";

    /// <summary>
    /// Where this machine sees the hypervisor's root, for a guest of a remote target (<see cref="RemoteTarget"/>):
    /// its files are then made under <see cref="RemoteTarget.ImagesDirectory"/> on the hypervisor's side only
    /// (through this root), and every path of the guest is the hypervisor's. Null: a local guest.
    /// </summary>
    public string? HostRoot { get; init; }

    /// <summary>Seed of the memory contents (<c>vsnap.seed</c>).</summary>
    public long Seed { get; init; } = 1;

    /// <summary>Middle part of the domain name <c>virtsnap-&lt;purpose&gt;-&lt;8 hex&gt;</c> (lowercase letters, digits, dashes).</summary>
    public string Purpose { get; init; } = "guest";

    /// <summary>How long <see cref="TestGuest.StartAsync"/> waits for the first <c>seq=</c> line.</summary>
    public TimeSpan BootTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Virtual CPUs. More than one makes a rewriting guest dirty memory faster.</summary>
    public int VcpuCount { get; init; } = 1;

    internal void Validate()
    {
        if (FillMiB < 0)
            throw new ArgumentOutOfRangeException(nameof(FillMiB), FillMiB, "must not be negative");
        if (MemoryMiB < FillMiB + 96)
            throw new ArgumentOutOfRangeException(nameof(MemoryMiB), MemoryMiB, $"needs at least FillMiB + 96 = {FillMiB + 96} MiB");
        if (RewriteMiBPerSecond < 0)
            throw new ArgumentOutOfRangeException(nameof(RewriteMiBPerSecond), RewriteMiBPerSecond, "must not be negative");
        if (TickMilliseconds < 1)
            throw new ArgumentOutOfRangeException(nameof(TickMilliseconds), TickMilliseconds, "must be positive");
        if (DiskMiB < 1)
            throw new ArgumentOutOfRangeException(nameof(DiskMiB), DiskMiB, "must be positive");
        if (VcpuCount < 1)
            throw new ArgumentOutOfRangeException(nameof(VcpuCount), VcpuCount, "must be positive");
        if (Seed < 0)
            throw new ArgumentOutOfRangeException(nameof(Seed), Seed, "must not be negative");
    }
}
