namespace Snapshot.Interop;

/// <summary>An error reported by libvirt; <see cref="Exception.Message"/> is libvirt's own message.</summary>
public class LibvirtException : Exception
{
    /// <summary>Creates the exception with a default message.</summary>
    public LibvirtException()
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public LibvirtException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>, caused by <paramref name="innerException"/>.</summary>
    public LibvirtException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception from libvirt's error: its message, code, domain and level.</summary>
    public LibvirtException(string message, LibvirtErrorCode code, LibvirtErrorDomain errorDomain, LibvirtErrorLevel level)
        : base(message)
    {
        Code = code;
        ErrorDomain = errorDomain;
        Level = level;
    }

    /// <summary>libvirt's <c>virErrorNumber</c>.</summary>
    public LibvirtErrorCode Code { get; }

    /// <summary>The part of libvirt that raised the error (<c>virErrorDomain</c>).</summary>
    public LibvirtErrorDomain ErrorDomain { get; }

    /// <summary>How severe libvirt rated the error (<c>virErrorLevel</c>).</summary>
    public LibvirtErrorLevel Level { get; }
}

/// <summary><see cref="LibvirtErrorCode.NoDomain"/>: the domain does not exist.</summary>
public class DomainNotFoundException : LibvirtException
{
    /// <summary>Creates the exception with a default message.</summary>
    public DomainNotFoundException()
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public DomainNotFoundException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>, caused by <paramref name="innerException"/>.</summary>
    public DomainNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception from libvirt's error: its message, code, domain and level.</summary>
    public DomainNotFoundException(string message, LibvirtErrorCode code, LibvirtErrorDomain errorDomain, LibvirtErrorLevel level)
        : base(message, code, errorDomain, level)
    {
    }
}

/// <summary><see cref="LibvirtErrorCode.NoDomainSnapshot"/>: the snapshot does not exist (or has no parent).</summary>
public class SnapshotNotFoundException : LibvirtException
{
    /// <summary>Creates the exception with a default message.</summary>
    public SnapshotNotFoundException()
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public SnapshotNotFoundException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>, caused by <paramref name="innerException"/>.</summary>
    public SnapshotNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception from libvirt's error: its message, code, domain and level.</summary>
    public SnapshotNotFoundException(string message, LibvirtErrorCode code, LibvirtErrorDomain errorDomain, LibvirtErrorLevel level)
        : base(message, code, errorDomain, level)
    {
    }
}

/// <summary><see cref="LibvirtErrorCode.OperationInvalid"/>: the operation is not valid in the object's current state.</summary>
public class OperationInvalidException : LibvirtException
{
    /// <summary>Creates the exception with a default message.</summary>
    public OperationInvalidException()
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public OperationInvalidException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>, caused by <paramref name="innerException"/>.</summary>
    public OperationInvalidException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception from libvirt's error: its message, code, domain and level.</summary>
    public OperationInvalidException(string message, LibvirtErrorCode code, LibvirtErrorDomain errorDomain, LibvirtErrorLevel level)
        : base(message, code, errorDomain, level)
    {
    }
}

/// <summary><see cref="LibvirtErrorCode.ConfigUnsupported"/>: the configuration is not supported by the driver.</summary>
public class UnsupportedConfigurationException : LibvirtException
{
    /// <summary>Creates the exception with a default message.</summary>
    public UnsupportedConfigurationException()
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public UnsupportedConfigurationException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>, caused by <paramref name="innerException"/>.</summary>
    public UnsupportedConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception from libvirt's error: its message, code, domain and level.</summary>
    public UnsupportedConfigurationException(string message, LibvirtErrorCode code, LibvirtErrorDomain errorDomain, LibvirtErrorLevel level)
        : base(message, code, errorDomain, level)
    {
    }
}

/// <summary><see cref="LibvirtErrorCode.SnapshotRevertRisky"/>: the revert needs <see cref="SnapshotRevertFlags.Force"/>.</summary>
public class SnapshotRevertRiskyException : LibvirtException
{
    /// <summary>Creates the exception with a default message.</summary>
    public SnapshotRevertRiskyException()
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public SnapshotRevertRiskyException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>, caused by <paramref name="innerException"/>.</summary>
    public SnapshotRevertRiskyException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception from libvirt's error: its message, code, domain and level.</summary>
    public SnapshotRevertRiskyException(string message, LibvirtErrorCode code, LibvirtErrorDomain errorDomain, LibvirtErrorLevel level)
        : base(message, code, errorDomain, level)
    {
    }
}

/// <summary><see cref="LibvirtErrorCode.AuthFailed"/>: authentication to the hypervisor failed.</summary>
public class AuthenticationFailedException : LibvirtException
{
    /// <summary>Creates the exception with a default message.</summary>
    public AuthenticationFailedException()
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public AuthenticationFailedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>, caused by <paramref name="innerException"/>.</summary>
    public AuthenticationFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception from libvirt's error: its message, code, domain and level.</summary>
    public AuthenticationFailedException(string message, LibvirtErrorCode code, LibvirtErrorDomain errorDomain, LibvirtErrorLevel level)
        : base(message, code, errorDomain, level)
    {
    }
}

/// <summary><see cref="LibvirtErrorCode.NoStoragePool"/>: no storage pool matches (no active pool has that name or target).</summary>
public class StoragePoolNotFoundException : LibvirtException
{
    /// <summary>Creates the exception with a default message.</summary>
    public StoragePoolNotFoundException()
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public StoragePoolNotFoundException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>, caused by <paramref name="innerException"/>.</summary>
    public StoragePoolNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception from libvirt's error: its message, code, domain and level.</summary>
    public StoragePoolNotFoundException(string message, LibvirtErrorCode code, LibvirtErrorDomain errorDomain, LibvirtErrorLevel level)
        : base(message, code, errorDomain, level)
    {
    }
}

/// <summary><see cref="LibvirtErrorCode.NoStorageVol"/>: no storage volume matches (no active pool holds a file at that path).</summary>
public class StorageVolumeNotFoundException : LibvirtException
{
    /// <summary>Creates the exception with a default message.</summary>
    public StorageVolumeNotFoundException()
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public StorageVolumeNotFoundException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>, caused by <paramref name="innerException"/>.</summary>
    public StorageVolumeNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception from libvirt's error: its message, code, domain and level.</summary>
    public StorageVolumeNotFoundException(string message, LibvirtErrorCode code, LibvirtErrorDomain errorDomain, LibvirtErrorLevel level)
        : base(message, code, errorDomain, level)
    {
    }
}
