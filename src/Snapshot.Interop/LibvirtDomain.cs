using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Snapshot.Interop;

/// <summary>A domain's state and the reason for it (<c>virDomainGetState</c>).</summary>
/// <param name="State">The state.</param>
/// <param name="Reason">A value of the reason enum that matches <paramref name="State"/>, e.g. <see cref="DomainRunningReason"/>.</param>
public readonly record struct DomainStateInfo(DomainState State, int Reason)
{
    /// <summary>The reason as its typed enum (boxed), e.g. <see cref="DomainPausedReason.User"/>; the raw int for states without one.</summary>
    public Enum ReasonValue => State switch
    {
        DomainState.NoState => (DomainNostateReason)Reason,
        DomainState.Running => (DomainRunningReason)Reason,
        DomainState.Blocked => (DomainBlockedReason)Reason,
        DomainState.Paused => (DomainPausedReason)Reason,
        DomainState.Shutdown => (DomainShutdownReason)Reason,
        DomainState.Shutoff => (DomainShutoffReason)Reason,
        DomainState.Crashed => (DomainCrashedReason)Reason,
        DomainState.PMSuspended => (DomainPMSuspendedReason)Reason,
        _ => (DomainNostateReason)Reason,
    };
}

/// <summary>Progress of a domain's background job (<c>virDomainGetJobInfo</c>); sizes in bytes.</summary>
/// <param name="Type">The kind of job, <see cref="DomainJobType.None"/> when there is none.</param>
/// <param name="TimeElapsed">Time since the job started.</param>
/// <param name="TimeRemaining">Estimated time left.</param>
/// <param name="DataTotal">Data to process in all (memory and files).</param>
/// <param name="DataProcessed">Data processed so far.</param>
/// <param name="DataRemaining">Data left to process.</param>
/// <param name="MemoryTotal">Guest memory to transfer.</param>
/// <param name="MemoryProcessed">Guest memory transferred so far.</param>
/// <param name="MemoryRemaining">Guest memory left to transfer.</param>
/// <param name="FileTotal">File data to transfer.</param>
/// <param name="FileProcessed">File data transferred so far.</param>
/// <param name="FileRemaining">File data left to transfer.</param>
public sealed record DomainJobInfo(
    DomainJobType Type,
    TimeSpan TimeElapsed,
    TimeSpan TimeRemaining,
    ulong DataTotal,
    ulong DataProcessed,
    ulong DataRemaining,
    ulong MemoryTotal,
    ulong MemoryProcessed,
    ulong MemoryRemaining,
    ulong FileTotal,
    ulong FileProcessed,
    ulong FileRemaining);

/// <summary>A domain (<c>virDomainPtr</c>); keeps its connection alive.</summary>
public sealed unsafe partial class LibvirtDomain : IDisposable
{
    internal LibvirtDomain(LibvirtConnection connection, SafeDomainHandle handle)
    {
        Connection = connection;
        Handle = handle;
        handle.SetParent(connection.Handle);
    }

    /// <summary>The connection the domain was obtained from.</summary>
    public LibvirtConnection Connection { get; }

    internal SafeDomainHandle Handle { get; }

    /// <summary>The domain's name (<c>virDomainGetName</c>).</summary>
    public string Name => LibvirtError.CheckBorrowed(Interop.Libvirt.virDomainGetName(Handle), nameof(Interop.Libvirt.virDomainGetName));

    /// <summary>The domain's UUID (<c>virDomainGetUUID</c>).</summary>
    public Guid Uuid
    {
        get
        {
            var bytes = stackalloc byte[16];
            LibvirtError.Check(Interop.Libvirt.virDomainGetUUID(Handle, bytes), nameof(Interop.Libvirt.virDomainGetUUID));
            return new Guid(new ReadOnlySpan<byte>(bytes, 16), bigEndian: true);
        }
    }

    /// <summary>The hypervisor's ID of a running domain; -1 when it is not running.</summary>
    public int Id
    {
        get
        {
            var id = Interop.Libvirt.virDomainGetID(Handle);
            if (id == uint.MaxValue)
            {
                Interop.Libvirt.virResetLastError();
                return -1;
            }

            return (int)id;
        }
    }

    /// <summary>Whether the domain is running, paused or otherwise active (<c>virDomainIsActive</c>).</summary>
    public bool IsActive => LibvirtError.CheckBool(Interop.Libvirt.virDomainIsActive(Handle), nameof(Interop.Libvirt.virDomainIsActive));

    /// <summary>Whether the domain has a persistent definition (<c>virDomainIsPersistent</c>).</summary>
    public bool IsPersistent => LibvirtError.CheckBool(Interop.Libvirt.virDomainIsPersistent(Handle), nameof(Interop.Libvirt.virDomainIsPersistent));

    /// <summary>Whether the domain has a current snapshot (<c>virDomainHasCurrentSnapshot</c>).</summary>
    public bool HasCurrentSnapshot =>
        LibvirtError.CheckBool(Interop.Libvirt.virDomainHasCurrentSnapshot(Handle, 0), nameof(Interop.Libvirt.virDomainHasCurrentSnapshot));

    /// <summary>The domain's state and its reason (<c>virDomainGetState</c>).</summary>
    public DomainStateInfo GetState()
    {
        LibvirtError.Check(Interop.Libvirt.virDomainGetState(Handle, out var state, out var reason, 0), nameof(Interop.Libvirt.virDomainGetState));
        return new DomainStateInfo((DomainState)state, reason);
    }

    /// <summary>The domain's XML description (<c>virDomainGetXMLDesc</c>).</summary>
    public string GetXmlDesc(DomainXmlFlags flags = 0) =>
        LibvirtError.CheckOwned(Interop.Libvirt.virDomainGetXMLDesc(Handle, (uint)flags), nameof(Interop.Libvirt.virDomainGetXMLDesc));

    /// <summary>Starts the defined domain (<c>virDomainCreateWithFlags</c>).</summary>
    public void Create(DomainCreateFlags flags = 0) =>
        LibvirtError.Check(Interop.Libvirt.virDomainCreateWithFlags(Handle, (uint)flags), nameof(Interop.Libvirt.virDomainCreateWithFlags));

    /// <summary>Stops the domain at once (<c>virDomainDestroyFlags</c>).</summary>
    public void Destroy(DomainDestroyFlags flags = 0) =>
        LibvirtError.Check(Interop.Libvirt.virDomainDestroyFlags(Handle, (uint)flags), nameof(Interop.Libvirt.virDomainDestroyFlags));

    /// <summary>Pauses the domain's CPUs (<c>virDomainSuspend</c>).</summary>
    public void Suspend() => LibvirtError.Check(Interop.Libvirt.virDomainSuspend(Handle), nameof(Interop.Libvirt.virDomainSuspend));

    /// <summary>Resumes a paused domain (<c>virDomainResume</c>).</summary>
    public void Resume() => LibvirtError.Check(Interop.Libvirt.virDomainResume(Handle), nameof(Interop.Libvirt.virDomainResume));

    /// <summary>Removes the domain's persistent definition (<c>virDomainUndefineFlags</c>).</summary>
    public void Undefine(DomainUndefineFlags flags = 0) =>
        LibvirtError.Check(Interop.Libvirt.virDomainUndefineFlags(Handle, (uint)flags), nameof(Interop.Libvirt.virDomainUndefineFlags));

    /// <summary>Saves the running domain's memory to <paramref name="path"/> and stops it (<c>virDomainSaveFlags</c>).</summary>
    public void Save(string path, string? xml = null, DomainSaveRestoreFlags flags = 0)
    {
        ArgumentNullException.ThrowIfNull(path);
        LibvirtError.Check(Interop.Libvirt.virDomainSaveFlags(Handle, path, xml, (uint)flags), nameof(Interop.Libvirt.virDomainSaveFlags));
    }

    /// <summary>Progress of the domain's current background job (<c>virDomainGetJobInfo</c>).</summary>
    public DomainJobInfo GetJobInfo()
    {
        LibvirtError.Check(Interop.Libvirt.virDomainGetJobInfo(Handle, out var info), nameof(Interop.Libvirt.virDomainGetJobInfo));
        return new DomainJobInfo(
            (DomainJobType)info.Type,
            TimeSpan.FromMilliseconds(info.TimeElapsed),
            TimeSpan.FromMilliseconds(info.TimeRemaining),
            info.DataTotal,
            info.DataProcessed,
            info.DataRemaining,
            info.MemTotal,
            info.MemProcessed,
            info.MemRemaining,
            info.FileTotal,
            info.FileProcessed,
            info.FileRemaining);
    }

    /// <summary>The job's typed parameters (<c>virDomainGetJobStats</c>), e.g. "time_elapsed" → ulong.</summary>
    public IReadOnlyDictionary<string, object> GetJobStats(DomainJobStatsFlags flags = 0) => GetJobStats(out _, flags);

    /// <summary>As <see cref="GetJobStats(DomainJobStatsFlags)"/>, also giving the job's type.</summary>
    public IReadOnlyDictionary<string, object> GetJobStats(out DomainJobType type, DomainJobStatsFlags flags = 0)
    {
        LibvirtError.Check(
            Interop.Libvirt.virDomainGetJobStats(Handle, out var jobType, out var parameters, out var count, (uint)flags),
            nameof(Interop.Libvirt.virDomainGetJobStats));
        try
        {
            type = (DomainJobType)jobType;
            return TypedParameters.ToDictionary(parameters, count);
        }
        finally
        {
            Interop.Libvirt.virTypedParamsFree(parameters, count);
        }
    }

    /// <summary>Aborts the domain's current background job (<c>virDomainAbortJob</c>).</summary>
    public void AbortJob() => LibvirtError.Check(Interop.Libvirt.virDomainAbortJob(Handle), nameof(Interop.Libvirt.virDomainAbortJob));

    /// <summary>Creates a snapshot from its XML description (<c>virDomainSnapshotCreateXML</c>).</summary>
    public LibvirtDomainSnapshot CreateSnapshot(string xml, SnapshotCreateFlags flags = 0)
    {
        ArgumentNullException.ThrowIfNull(xml);
        var handle = LibvirtError.Check(Interop.Libvirt.virDomainSnapshotCreateXML(Handle, xml, (uint)flags), nameof(Interop.Libvirt.virDomainSnapshotCreateXML));
        return new LibvirtDomainSnapshot(this, handle);
    }

    /// <summary>The domain's snapshots that pass <paramref name="flags"/> (<c>virDomainListAllSnapshots</c>). Dispose each.</summary>
    public IReadOnlyList<LibvirtDomainSnapshot> ListAllSnapshots(SnapshotListFlags flags = 0)
    {
        var count = LibvirtError.Check(Interop.Libvirt.virDomainListAllSnapshots(Handle, out var snapshots, (uint)flags), nameof(Interop.Libvirt.virDomainListAllSnapshots));
        return LibvirtDomainSnapshot.TakeList(this, snapshots, count);
    }

    /// <summary>The number of snapshots (<c>virDomainSnapshotNum</c>).</summary>
    public int SnapshotCount(SnapshotListFlags flags = 0) =>
        LibvirtError.Check(Interop.Libvirt.virDomainSnapshotNum(Handle, (uint)flags), nameof(Interop.Libvirt.virDomainSnapshotNum));

    /// <summary>Snapshot names (<c>virDomainSnapshotListNames</c>).</summary>
    public IReadOnlyList<string> ListSnapshotNames(SnapshotListFlags flags = 0)
    {
        // The count can grow between the two calls; ask for one more than counted and retry when the buffer filled up.
        var capacity = SnapshotCount(flags) + 1;
        while (true)
        {
            var names = new nint[capacity];
            int count;
            fixed (nint* buffer = names)
            {
                count = LibvirtError.Check(Interop.Libvirt.virDomainSnapshotListNames(Handle, buffer, capacity, (uint)flags), nameof(Interop.Libvirt.virDomainSnapshotListNames));
            }

            var result = new string[count];
            for (var i = 0; i < count; i++)
            {
                result[i] = NativeString.TakeOwned(names[i]) ?? string.Empty;
            }

            if (count < capacity)
            {
                return result;
            }

            capacity *= 2;
        }
    }

    /// <exception cref="SnapshotNotFoundException">The domain has no snapshot of this name.</exception>
    public LibvirtDomainSnapshot LookupSnapshot(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var handle = LibvirtError.Check(Interop.Libvirt.virDomainSnapshotLookupByName(Handle, name, 0), nameof(Interop.Libvirt.virDomainSnapshotLookupByName));
        return new LibvirtDomainSnapshot(this, handle);
    }

    /// <exception cref="SnapshotNotFoundException">The domain has no current snapshot.</exception>
    public LibvirtDomainSnapshot GetCurrentSnapshot()
    {
        var handle = LibvirtError.Check(Interop.Libvirt.virDomainSnapshotCurrent(Handle, 0), nameof(Interop.Libvirt.virDomainSnapshotCurrent));
        return new LibvirtDomainSnapshot(this, handle);
    }

    /// <summary>Sends a QMP (or, with <see cref="QemuMonitorCommandFlags.Hmp"/>, HMP) command to QEMU's monitor.</summary>
    public string QemuMonitorCommand(string command, QemuMonitorCommandFlags flags = 0)
    {
        ArgumentNullException.ThrowIfNull(command);
        LibvirtError.Check(Interop.LibvirtQemu.virDomainQemuMonitorCommand(Handle, command, out var result, (uint)flags), nameof(Interop.LibvirtQemu.virDomainQemuMonitorCommand));
        return NativeString.TakeOwned(result) ?? string.Empty;
    }

    /// <summary>
    /// Sends a monitor command with file descriptors attached (e.g. for QMP <c>getfd</c>); the descriptors QEMU
    /// returns become owned <paramref name="returnedFiles"/>.
    /// </summary>
    public string QemuMonitorCommandWithFiles(string command, IReadOnlyList<SafeHandle> files, out IReadOnlyList<SafeFileHandle> returnedFiles, QemuMonitorCommandFlags flags = 0)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(files);
        var fds = new int[files.Count];
        var added = new bool[files.Count];
        int rc;
        uint outCount;
        int* outFiles;
        nint result;
        try
        {
            for (var i = 0; i < files.Count; i++)
            {
                files[i].DangerousAddRef(ref added[i]);
                fds[i] = checked((int)files[i].DangerousGetHandle());
            }

            fixed (int* inFiles = fds)
            {
                rc = Interop.LibvirtQemu.virDomainQemuMonitorCommandWithFiles(Handle, command, (uint)fds.Length, inFiles, out outCount, out outFiles, out result, (uint)flags);
            }

            if (rc < 0)
            {
                throw LibvirtError.Last(nameof(Interop.LibvirtQemu.virDomainQemuMonitorCommandWithFiles));
            }
        }
        finally
        {
            for (var i = 0; i < files.Count; i++)
            {
                if (added[i])
                {
                    files[i].DangerousRelease();
                }
            }
        }

        var returned = new SafeFileHandle[outCount];
        for (var i = 0; i < outCount; i++)
        {
            returned[i] = new SafeFileHandle(outFiles[i], ownsHandle: true);
        }

        Interop.Libc.Free(outFiles);
        returnedFiles = returned;
        return NativeString.TakeOwned(result) ?? string.Empty;
    }

    /// <summary>Releases the domain object (<c>virDomainFree</c>); the domain itself is untouched.</summary>
    public void Dispose() => Handle.Dispose();
}
