using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Snapshot.Engine;

/// <summary>
/// The qcow2 overlays put on frozen images: their names, their creation (<see cref="Qcow2Overlay"/> on a raw or qcow2
/// image, else qemu-img, its arguments passed one by one, never through a shell), and the backing chains that decide
/// what a cleanup may delete.
/// </summary>
internal static partial class OverlayImages
{
    /// <summary>
    /// A fresh file name next to <paramref name="frozen"/>: <c>&lt;stem&gt;.&lt;snapshot&gt;-revert-&lt;n&gt;.qcow2</c>,
    /// with the snapshot name reduced to file-name-safe characters and n the first number not taken.
    /// </summary>
    public static string NextName(string frozen, string snapshot, Func<string, bool>? exists = null)
    {
        exists ??= File.Exists;
        var directory = Path.GetDirectoryName(Path.GetFullPath(frozen)) ?? "/";
        var stem = Stem(frozen);
        var safe = Sanitize(snapshot);
        for (var n = 1; ; n++)
        {
            var candidate = Path.Combine(directory, string.Create(CultureInfo.InvariantCulture, $"{stem}.{safe}-revert-{n}.qcow2"));
            if (!exists(candidate))
                return candidate;
        }
    }

    /// <summary>Letters, digits, '-', '_' and '.' kept; anything else (slashes, spaces, quotes) becomes '_'; never empty or a dot name.</summary>
    public static string Sanitize(string name)
    {
        var builder = new StringBuilder(name.Length);
        foreach (var c in name)
            builder.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_');
        var result = builder.ToString().Trim('.');
        if (result.Length > 64)
            result = result[..64];
        return result.Length == 0 ? "snapshot" : result;
    }

    /// <summary>The name new files beside <paramref name="image"/> start with: its file name without extension or revert suffix.</summary>
    public static string Stem(string image) => StripRevertSuffix(Path.GetFileNameWithoutExtension(image));

    /// <summary>Whether <paramref name="path"/> is named like an overlay an earlier revert made.</summary>
    public static bool IsRevertLayer(string path) => RevertLayerName().IsMatch(Path.GetFileName(path));

    /// <summary>
    /// Creates a qcow2 overlay on <paramref name="backing"/>, so QEMU can use it: first the file itself, atomically
    /// (O_CREAT|O_EXCL, so never through a symbolic link, dangling or not, and never over a file), 0600; then
    /// the overlay is written into that file. Its owner and group become the backing image's (QEMU's, once libvirt
    /// labelled it) and its mode 0600, or 0660 when the backing image is writable by its group: guest data is
    /// never readable by others. A failure after the file was made deletes it: it is this call's own.
    /// </summary>
    public static async Task CreateAsync(string path, string backing, string backingFormat, CancellationToken cancellationToken)
    {
        if (!OperatingSystem.IsLinux())
            throw new PlatformNotSupportedException("overlays are created on Linux only");
        FileStream created;
        try
        {
            created = new FileStream(path, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = OwnerOnly });
        }
        catch (IOException e) when (File.Exists(path) || Directory.Exists(path) || new FileInfo(path).LinkTarget is not null)
        {
            throw new SnapshotException(SnapshotErrorKind.AlreadyExists, $"overlay '{path}' already exists; refusing to overwrite it", e);
        }
        try
        {
            var full = Path.GetFullPath(backing);
            // Written through the descriptor the exclusive create returned; qemu-img (any other backing) reopens the path.
            bool written;
            using (created)
                written = Qcow2Overlay.VirtualSize(full, backingFormat) is { } size && Qcow2Overlay.TryWrite(created.SafeFileHandle, full, backingFormat, size);
            if (!written)
                await RunAsync("qemu-img", ["create", "-q", "-f", "qcow2", "-F", backingFormat, "-b", full, path], cancellationToken).ConfigureAwait(false);
            // A group-writable image is shared with QEMU's group on purpose; a 0644 one's group read is only the default.
            var group = File.GetUnixFileMode(backing) & UnixFileMode.GroupWrite;
            File.SetUnixFileMode(path, OwnerOnly | (group != 0 ? UnixFileMode.GroupRead | UnixFileMode.GroupWrite : 0));
            Ownership.CopyFrom(full, path);
        }
        catch
        {
            File.Delete(path);
            throw;
        }
    }

    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>The file and every image below it (full paths), read with <c>qemu-img info --backing-chain -U</c>.</summary>
    public static async Task<IReadOnlyList<string>> BackingChainAsync(string path, CancellationToken cancellationToken)
    {
        var json = await RunAsync("qemu-img", ["info", "-U", "--backing-chain", "--output=json", path], cancellationToken).ConfigureAwait(false);
        return ParseChain(json);
    }

    internal static List<string> ParseChain(string json)
    {
        using var document = JsonDocument.Parse(json);
        var result = new List<string>();
        var items = document.RootElement.ValueKind == JsonValueKind.Array ? document.RootElement.EnumerateArray().ToList() : [document.RootElement];
        foreach (var item in items)
        {
            if (item.TryGetProperty("filename", out var name) && name.GetString() is { } file)
                result.Add(Path.GetFullPath(file));
        }
        return result;
    }

    /// <summary>Runs a tool with separate arguments; returns its stdout, or throws with its stderr. <paramref name="started"/> is called once it runs.</summary>
    internal static async Task<string> RunAsync(string tool, IReadOnlyList<string> arguments, CancellationToken cancellationToken, Action? started = null)
    {
        var start = new ProcessStartInfo(tool)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in arguments)
            start.ArgumentList.Add(a);
        using var process = Process.Start(start) ?? throw new SnapshotException($"could not start {tool}");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        started?.Invoke();
        try
        {
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        var output = await stdout.ConfigureAwait(false);
        var error = await stderr.ConfigureAwait(false);
        if (process.ExitCode != 0)
            throw new SnapshotException($"{tool} {arguments[0]} failed: {error.Trim()}");
        return output;
    }

    private static string StripRevertSuffix(string stem)
    {
        // Reverting again from a revert layer names the new layer after the original image.
        var match = RevertStem().Match(stem);
        return match.Success ? match.Groups[1].Value : stem;
    }

    [GeneratedRegex(@"\.[A-Za-z0-9_.\-]+-revert-[0-9]+\.qcow2$", RegexOptions.CultureInvariant)]
    private static partial Regex RevertLayerName();

    [GeneratedRegex(@"^([^.]+)\..*-revert-[0-9]+$", RegexOptions.CultureInvariant)]
    private static partial Regex RevertStem();
}
