using System.Globalization;

namespace Snapshot.Engine;

/// <summary>
/// Every failure of an engine call (the one exception type to catch; cancellation aside, which is
/// <see cref="OperationCanceledException"/>): its <see cref="Kind"/>, a one-line message, and libvirt's exception
/// (<c>Snapshot.Interop.LibvirtException</c>) or the I/O error as <see cref="Exception.InnerException"/> when one caused it.
/// </summary>
/// <remarks>
/// Messages name the engine's options in the library's words (<c>Modifiers.Instant</c>, <c>Filter.From</c>,
/// <c>DiskSpec.Excluded("vda")</c>); <see cref="FormatMessage"/> spells them another way, as a command line's flags.
/// </remarks>
public class SnapshotException : Exception
{
    private readonly FormattableString? _template;

    /// <summary>A <see cref="SnapshotErrorKind.Failed"/> failure with a default message.</summary>
    public SnapshotException() : this(SnapshotErrorKind.Failed, "snapshot operation failed") { }

    /// <summary>A <see cref="SnapshotErrorKind.Failed"/> failure.</summary>
    /// <param name="message">What failed, one line.</param>
    public SnapshotException(string message) : this(SnapshotErrorKind.Failed, message) { }

    /// <summary>A <see cref="SnapshotErrorKind.Failed"/> failure caused by another exception.</summary>
    /// <param name="message">What failed, one line.</param>
    /// <param name="innerException">The cause.</param>
    public SnapshotException(string message, Exception innerException) : this(SnapshotErrorKind.Failed, message, innerException) { }

    /// <summary>A failure of a given kind.</summary>
    /// <param name="kind">The failure's kind.</param>
    /// <param name="message">What failed, one line.</param>
    /// <param name="innerException">The cause, if any.</param>
    public SnapshotException(SnapshotErrorKind kind, string message, Exception? innerException = null)
        : base(message, innerException) => Kind = kind;

    /// <summary>A failure whose message names options (<see cref="OptionName"/> arguments), so <see cref="FormatMessage"/> can respell them.</summary>
    internal static SnapshotException Naming(SnapshotErrorKind kind, FormattableString template, Exception? innerException = null) =>
        new(kind, template, innerException);

    private SnapshotException(SnapshotErrorKind kind, FormattableString template, Exception? innerException)
        : base(Render(template, static o => o.LibraryName), innerException)
    {
        Kind = kind;
        _template = template;
    }

    /// <summary>The failure's kind.</summary>
    public SnapshotErrorKind Kind { get; }

    /// <summary>
    /// The message with each option it names spelled by <paramref name="spell"/> instead of in the library's words:
    /// how a command line built on the engine names its flags. The same as <see cref="Exception.Message"/> when the
    /// message names no option.
    /// </summary>
    /// <param name="spell">
    /// Given an option's library name and, for one disk's spec, the disk's name (else null), returns its spelling.
    /// The names: the properties of the engine's options (<c>Modifiers.Instant</c>, <c>Modifiers.DiskOnly</c>, ...,
    /// <c>Memory</c>, <c>Disks</c>, <c>Filter.From</c>, <c>Filter.FromCurrent</c>, ..., <c>Force</c>,
    /// <c>MetadataOnly</c>) and the spec factories <c>MemorySpec.External</c>, <c>DiskSpec.External</c> (a disk on
    /// an overlay file of the caller's choice) and <c>DiskSpec.Excluded</c> (a disk left out).
    /// </param>
    /// <exception cref="ArgumentNullException"><paramref name="spell"/> is null.</exception>
    public string FormatMessage(Func<string, string?, string> spell)
    {
        ArgumentNullException.ThrowIfNull(spell);
        return _template is null ? Message : Render(_template, o => spell(o.Name, o.Disk));
    }

    private static string Render(FormattableString template, Func<OptionName, string> spell) =>
        string.Format(CultureInfo.InvariantCulture, template.Format,
            template.GetArguments().Select(a => a is OptionName o ? spell(o) : a).ToArray());
}
