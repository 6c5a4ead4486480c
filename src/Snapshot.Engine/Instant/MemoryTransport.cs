namespace Snapshot.Engine;

/// <summary>How QEMU's migration stream reaches the memory file.</summary>
internal enum MemoryTransport
{
    /// <summary>A pipe's write end handed to QEMU (<c>getfd</c>); the engine relays it into the file with O_DIRECT.</summary>
    Pipe,

    /// <summary>QEMU opens the file itself (<c>file:PATH,offset=N</c>, QEMU 8.2 and later): for connections that cannot pass descriptors.</summary>
    QemuOpensFile,
}

/// <summary>Picks the instant snapshot's <see cref="MemoryTransport"/>, or refuses one the connection and its QEMU cannot carry.</summary>
internal static class MemoryTransports
{
    /// <summary>The first QEMU whose <c>file:</c> migration URI takes an offset (migration/file.c).</summary>
    public static readonly Version FileUriSince = new(8, 2);

    /// <summary>
    /// The pipe where descriptors can travel (unless <paramref name="qemuOpensFile"/> asks for the other way, as
    /// tests do on a local connection); QEMU's own open of the file otherwise, refused before anything changes
    /// when that QEMU is older than 8.2.
    /// </summary>
    public static MemoryTransport Choose(string uri, string domain, bool qemuOpensFile, Func<Version> qemuVersion)
    {
        if (!NeedsVersion(uri, qemuOpensFile))
            return MemoryTransport.Pipe;
        // Descriptors travel over libvirt's UNIX socket only (SCM_RIGHTS): a local URI's.
        var canPass = !HypervisorFiles.IsRemoteUri(uri);
        var qemu = qemuVersion();
        if (qemu < FileUriSince)
        {
            var why = canPass
                ? "the engine was asked to let QEMU open the memory file itself"
                : $"the connection {uri} cannot pass file descriptors to QEMU";
            throw new SnapshotException(SnapshotErrorKind.NotSupported,
                $"cannot take an instant snapshot of domain '{domain}': {why}, and QEMU {qemu} cannot open the memory file itself " +
                $"(QEMU {FileUriSince} and later can); run virt-snap on the hypervisor instead, e.g. ssh HOST virt-snap -c qemu:///system snapshot-create-as {domain} ... --instant");
        }
        return MemoryTransport.QemuOpensFile;
    }

    /// <summary>Whether the choice depends on QEMU's version: not for the pipe, which every QEMU with the capability takes.</summary>
    public static bool NeedsVersion(string uri, bool qemuOpensFile) => qemuOpensFile || HypervisorFiles.IsRemoteUri(uri);
}
