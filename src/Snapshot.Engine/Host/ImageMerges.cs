using System.Text.Json;

namespace Snapshot.Engine;

/// <summary>
/// qemu-img's part of a delete, for images no running QEMU uses: a disk's chain with each image's format and
/// allocation, a commit into the backing image, and rebases. A rebase is safe (qemu-img compares the contents
/// and copies what differs) unless the caller proves both backings hold the same data.
/// </summary>
internal static class ImageMerges
{
    /// <summary>The chain from <paramref name="top"/> down, each image with its format and host allocation.</summary>
    public static async Task<IReadOnlyList<ChainImage>> ChainAsync(string top, CancellationToken cancellationToken)
    {
        var json = await OverlayImages.RunAsync("qemu-img", ["info", "-U", "--backing-chain", "--output=json", top], cancellationToken).ConfigureAwait(false);
        return ParseChain(json);
    }

    internal static List<ChainImage> ParseChain(string json)
    {
        using var document = JsonDocument.Parse(json);
        var items = document.RootElement.ValueKind == JsonValueKind.Array ? document.RootElement.EnumerateArray().ToList() : [document.RootElement];
        return items.Select(i => new ChainImage(
            Path.GetFullPath(i.GetProperty("filename").GetString()!),
            i.TryGetProperty("format", out var f) ? f.GetString() ?? "raw" : "raw",
            i.TryGetProperty("actual-size", out var s) ? s.GetInt64() : 0)).ToList();
    }

    /// <summary>
    /// Commits <paramref name="top"/> into its backing image, leaving <paramref name="top"/> as it was (<c>-d</c>), at most
    /// <paramref name="bytesPerSecond"/> (0: unlimited). <paramref name="started"/> is called once qemu-img runs.
    /// </summary>
    public static Task CommitAsync(ChainImage top, ulong bytesPerSecond, Action? started, CancellationToken cancellationToken) =>
        OverlayImages.RunAsync("qemu-img", bytesPerSecond > 0
            ? ["commit", "-q", "-d", "-r", bytesPerSecond.ToString(System.Globalization.CultureInfo.InvariantCulture), "-f", top.Format, top.File]
            : ["commit", "-q", "-d", "-f", top.Format, top.File], cancellationToken, started);

    /// <summary>
    /// Puts <paramref name="image"/> on <paramref name="backing"/> (null: on nothing), keeping its contents: qemu-img
    /// copies into it every cluster in which the old and the new backing differ. <paramref name="started"/> is called once qemu-img runs.
    /// </summary>
    public static Task RebaseAsync(ChainImage image, ChainImage? backing, Action? started, CancellationToken cancellationToken) =>
        OverlayImages.RunAsync("qemu-img", backing is null
            ? ["rebase", "-q", "-f", image.Format, "-b", "", image.File]
            : ["rebase", "-q", "-f", image.Format, "-F", backing.Format, "-b", backing.File, image.File], cancellationToken, started);

    /// <summary>
    /// Rewrites only the backing file name of <paramref name="image"/> (<c>-u</c>). Only for a new backing whose
    /// contents equal the old one's: the caller has just committed the old backing into the new one.
    /// </summary>
    public static Task RenameBackingAsync(ChainImage image, ChainImage identicalBacking, CancellationToken cancellationToken) =>
        OverlayImages.RunAsync("qemu-img", ["rebase", "-q", "-u", "-f", image.Format, "-F", identicalBacking.Format, "-b", identicalBacking.File, image.File], cancellationToken);
}
