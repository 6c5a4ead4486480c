namespace Snapshot.Interop;

/// <summary>An error reported by libvirt; <see cref="Exception.Message"/> is libvirt's own message.</summary>
public class LibvirtException : Exception
{
    public LibvirtException()
    {
    }

    public LibvirtException(string message)
        : base(message)
    {
    }

    public LibvirtException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

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

    public LibvirtErrorLevel Level { get; }
}

/// <summary><see cref="LibvirtErrorCode.NoDomain"/>: the domain does not exist.</summary>
public class DomainNotFoundException : LibvirtException
{
    public DomainNotFoundException()
    {
    }

    public DomainNotFoundException(string message)
        : base(message)
    {
    }

    public DomainNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public DomainNotFoundException(string message, LibvirtErrorCode code, LibvirtErrorDomain errorDomain, LibvirtErrorLevel level)
        : base(message, code, errorDomain, level)
    {
    }
}

/// <summary><see cref="LibvirtErrorCode.NoDomainSnapshot"/>: the snapshot does not exist (or has no parent).</summary>
public class SnapshotNotFoundException : LibvirtException
{
    public SnapshotNotFoundException()
    {
    }

    public SnapshotNotFoundException(string message)
        : base(message)
    {
    }

    public SnapshotNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public SnapshotNotFoundException(string message, LibvirtErrorCode code, LibvirtErrorDomain errorDomain, LibvirtErrorLevel level)
        : base(message, code, errorDomain, level)
    {
    }
}

/// <summary><see cref="LibvirtErrorCode.OperationInvalid"/>: the operation is not valid in the object's current state.</summary>
public class OperationInvalidException : LibvirtException
{
    public OperationInvalidException()
    {
    }

    public OperationInvalidException(string message)
        : base(message)
    {
    }

    public OperationInvalidException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public OperationInvalidException(string message, LibvirtErrorCode code, LibvirtErrorDomain errorDomain, LibvirtErrorLevel level)
        : base(message, code, errorDomain, level)
    {
    }
}

/// <summary><see cref="LibvirtErrorCode.ConfigUnsupported"/>: the configuration is not supported by the driver.</summary>
public class UnsupportedConfigurationException : LibvirtException
{
    public UnsupportedConfigurationException()
    {
    }

    public UnsupportedConfigurationException(string message)
        : base(message)
    {
    }

    public UnsupportedConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public UnsupportedConfigurationException(string message, LibvirtErrorCode code, LibvirtErrorDomain errorDomain, LibvirtErrorLevel level)
        : base(message, code, errorDomain, level)
    {
    }
}

/// <summary><see cref="LibvirtErrorCode.SnapshotRevertRisky"/>: the revert needs <see cref="SnapshotRevertFlags.Force"/>.</summary>
public class SnapshotRevertRiskyException : LibvirtException
{
    public SnapshotRevertRiskyException()
    {
    }

    public SnapshotRevertRiskyException(string message)
        : base(message)
    {
    }

    public SnapshotRevertRiskyException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public SnapshotRevertRiskyException(string message, LibvirtErrorCode code, LibvirtErrorDomain errorDomain, LibvirtErrorLevel level)
        : base(message, code, errorDomain, level)
    {
    }
}

/// <summary><see cref="LibvirtErrorCode.AuthFailed"/>: authentication to the hypervisor failed.</summary>
public class AuthenticationFailedException : LibvirtException
{
    public AuthenticationFailedException()
    {
    }

    public AuthenticationFailedException(string message)
        : base(message)
    {
    }

    public AuthenticationFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public AuthenticationFailedException(string message, LibvirtErrorCode code, LibvirtErrorDomain errorDomain, LibvirtErrorLevel level)
        : base(message, code, errorDomain, level)
    {
    }
}
