using System.Runtime.InteropServices;

namespace Snapshot.Interop;

/// <summary>
/// The one place libvirt errors become exceptions. Call right after the failing call, on the same thread
/// (libvirt's last error is thread-local): it copies the error, resets it and returns the typed exception.
/// </summary>
internal static unsafe class LibvirtError
{
    private static readonly Dictionary<LibvirtErrorCode, Func<string, LibvirtErrorCode, LibvirtErrorDomain, LibvirtErrorLevel, LibvirtException>> s_byCode = new()
    {
        [LibvirtErrorCode.NoDomain] = (m, c, d, l) => new DomainNotFoundException(m, c, d, l),
        [LibvirtErrorCode.NoDomainSnapshot] = (m, c, d, l) => new SnapshotNotFoundException(m, c, d, l),
        [LibvirtErrorCode.OperationInvalid] = (m, c, d, l) => new OperationInvalidException(m, c, d, l),
        [LibvirtErrorCode.ConfigUnsupported] = (m, c, d, l) => new UnsupportedConfigurationException(m, c, d, l),
        [LibvirtErrorCode.SnapshotRevertRisky] = (m, c, d, l) => new SnapshotRevertRiskyException(m, c, d, l),
        [LibvirtErrorCode.AuthFailed] = (m, c, d, l) => new AuthenticationFailedException(m, c, d, l),
        [LibvirtErrorCode.NoStoragePool] = (m, c, d, l) => new StoragePoolNotFoundException(m, c, d, l),
        [LibvirtErrorCode.NoStorageVol] = (m, c, d, l) => new StorageVolumeNotFoundException(m, c, d, l),
    };

    /// <summary>Whether this thread has a libvirt error that nobody has read yet.</summary>
    public static bool HasPendingError => Interop.Libvirt.virGetLastError() != null;

    /// <summary>Reads and clears libvirt's last error for this thread and returns it as an exception.</summary>
    public static LibvirtException Last(string function)
    {
        var error = Interop.Libvirt.virGetLastError();
        if (error == null)
        {
            return new LibvirtException($"{function} failed without reporting an error", LibvirtErrorCode.InternalError, LibvirtErrorDomain.None, LibvirtErrorLevel.Error);
        }

        var code = (LibvirtErrorCode)error->Code;
        var domain = (LibvirtErrorDomain)error->Domain;
        var level = (LibvirtErrorLevel)error->Level;
        var message = NativeString.FromBorrowed(error->Message) ?? $"{function} failed ({code})";
        Interop.Libvirt.virResetLastError();
        return Create(message, code, domain, level);
    }

    /// <summary>Maps a code to its typed exception; unknown codes give the base class.</summary>
    public static LibvirtException Create(string message, LibvirtErrorCode code, LibvirtErrorDomain domain, LibvirtErrorLevel level) =>
        s_byCode.TryGetValue(code, out var factory) ? factory(message, code, domain, level) : new LibvirtException(message, code, domain, level);

    /// <summary>Returns <paramref name="result"/> when it is not negative; otherwise throws libvirt's last error.</summary>
    public static int Check(int result, string function) => result >= 0 ? result : throw Last(function);

    /// <summary>Throws libvirt's last error when the returned handle is NULL.</summary>
    public static T Check<T>(T handle, string function)
        where T : SafeHandle
    {
        if (handle.IsInvalid)
        {
            handle.Dispose();
            throw Last(function);
        }

        return handle;
    }

    /// <summary>Converts and frees a caller-owned string; NULL means failure.</summary>
    public static string CheckOwned(nint ptr, string function) => NativeString.TakeOwned(ptr) ?? throw Last(function);

    /// <summary>Converts a borrowed string; NULL means failure.</summary>
    public static string CheckBorrowed(byte* ptr, string function) => NativeString.FromBorrowed(ptr) ?? throw Last(function);

    /// <summary>For calls returning 1 (true), 0 (false) or -1 (error).</summary>
    public static bool CheckBool(int result, string function) => Check(result, function) != 0;
}
