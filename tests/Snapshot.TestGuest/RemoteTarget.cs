namespace Snapshot.TestGuest;

/// <summary>
/// The second stack's daemon reached over a remote transport on loopback (native/setup-remote.sh): over SSH to the
/// sshd inside its chroot, or over TCP to its libvirtd. Its guests' images live in <see cref="ImagesDirectory"/>,
/// which exists only inside the chroot, so that any access to them from this machine's file system by the code
/// under test fails. Theories take <see cref="Name"/>.
/// </summary>
public sealed class RemoteTarget
{
    /// <summary>The remote guests' directory on the hypervisor (native/setup-remote.sh's IMAGES).</summary>
    public const string ImagesDirectory = "/var/lib/virtsnap-remote";

    /// <summary>Where native/setup-remote.sh keeps the client key and known_hosts (its STATE).</summary>
    public const string StateDirectory = "/var/lib/virt-snap/remote";

    private RemoteTarget(string name, string uri)
    {
        Name = name;
        Uri = uri;
    }

    /// <summary>qemu+ssh (the openssh client, key authentication, the host key not prompted for) to the chroot's sshd.</summary>
    public static RemoteTarget Ssh { get; } = new("stack2-ssh", $"qemu+ssh://root@127.0.0.1:2217/system?keyfile={StateDirectory}/id_ed25519&no_verify=1&no_tty=1");

    /// <summary>qemu+tcp (auth none, loopback only) to the chroot's libvirtd.</summary>
    public static RemoteTarget Tcp { get; } = new("stack2-tcp", "qemu+tcp://127.0.0.1:16519/system");

    public static IReadOnlyList<RemoteTarget> All { get; } = [Ssh, Tcp];

    /// <summary>
    /// The host's own daemon (libvirt 9.0, QEMU 7.2) over the same sshd (native/setup-remote-host.sh mounts its socket
    /// into the chroot): a remote connection to a QEMU too old to open a memory file itself. Not in <see cref="All"/>:
    /// its guests are the host's, with the host's paths.
    /// </summary>
    public static string HostDaemonSshUri { get; } =
        $"qemu+ssh://root@127.0.0.1:2217/system?socket=/run/host-libvirt/libvirt-sock&keyfile={StateDirectory}/id_ed25519&no_verify=1&no_tty=1";

    /// <summary>Every target's name, for <c>[MemberData]</c>.</summary>
    public static Xunit.TheoryData<string> Names()
    {
        var data = new Xunit.TheoryData<string>();
        foreach (var target in All)
            data.Add(target.Name);
        return data;
    }

    public static RemoteTarget Named(string name) =>
        All.FirstOrDefault(t => t.Name == name) ?? throw new ArgumentException($"no remote target named {name}", nameof(name));

    public string Name { get; }

    /// <summary>The URI the code under test connects with.</summary>
    public string Uri { get; }

    /// <summary>The stack behind the transport (its chroot is where the test itself looks at the hypervisor's files).</summary>
    public Stack Stack { get; } = Stack.Backports;

    /// <summary>Options for a guest of this target: its URI and the chroot as its host root.</summary>
    public TestGuestOptions Options(TestGuestOptions? options = null) =>
        (options ?? new TestGuestOptions()) with { Uri = Uri, HostRoot = Stack.Root };

    public override string ToString() => Name;
}
