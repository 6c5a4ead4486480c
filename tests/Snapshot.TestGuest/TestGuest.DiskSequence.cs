using System.Buffers.Binary;
using System.Xml.Linq;

namespace Snapshot.TestGuest;

/// <summary>Reading the sequence block the workload keeps at offset 0 of its disk, from the host side.</summary>
public sealed partial class TestGuest
{
    /// <summary>What <see cref="ReadDiskSequence"/> answers when the block holds no sequence number.</summary>
    public const long NoSequence = -1;

    /// <summary>Size of the sequence block at offset 0 of the disk.</summary>
    public const int SequenceBlockSize = 4096;

    /// <summary>The sequence block's first 8 bytes.</summary>
    public static ReadOnlySpan<byte> SequenceMagic => "VSNAPSEQ"u8;

    /// <summary>
    /// Reads the sequence block from the host side (qemu-img dd -U: works on images in use, so pause or stop the
    /// domain first for a meaningful answer). <paramref name="imagePath"/> defaults to the top of the domain's
    /// active disk chain. Answers <see cref="NoSequence"/> when the block holds no valid sequence number.
    /// </summary>
    public long ReadDiskSequence(string? imagePath = null)
    {
        string? format = null;
        if (imagePath is null)
            (imagePath, format) = ActiveDisk();
        var output = System.IO.Path.Combine(Directory, $".seqblock-{Guid.NewGuid():N}.raw");
        try
        {
            var arguments = new List<string> { "dd", "-U" };
            if (format is not null)
                arguments.AddRange(["-f", format]);
            arguments.AddRange(["-O", "raw", "bs=4096", "count=1", $"if={imagePath}", $"of={output}"]);
            // A remote guest's chain names the hypervisor's paths: its qemu-img reads them, inside the root.
            if (Options.HostRoot is { } root)
                ProcessRunner.Run("chroot", [root, "qemu-img", .. arguments]);
            else
                ProcessRunner.Run("qemu-img", arguments);
            var block = File.ReadAllBytes(LocalPath(output));
            return ParseSequenceBlock(block);
        }
        finally
        {
            File.Delete(LocalPath(output));
        }
    }

    /// <summary>The sequence number held by a 4 KiB sequence block, or <see cref="NoSequence"/>.</summary>
    public static long ParseSequenceBlock(ReadOnlySpan<byte> block)
    {
        if (block.Length < 24 || !block[..8].SequenceEqual(SequenceMagic))
            return NoSequence;
        var seq = BinaryPrimitives.ReadUInt64LittleEndian(block[8..16]);
        var check = BinaryPrimitives.ReadUInt64LittleEndian(block[16..24]);
        return check == ~seq && seq <= long.MaxValue ? (long)seq : NoSequence;
    }

    private (string Path, string? Format) ActiveDisk()
    {
        using var domain = Connection.LookupDomain(DomainName);
        var xml = XDocument.Parse(domain.GetXmlDesc());
        var disk = xml.Root?.Element("devices")?.Elements("disk").FirstOrDefault(d => (string?)d.Attribute("device") == "disk")
            ?? throw new InvalidOperationException($"{DomainName} has no disk");
        var source = (string?)disk.Element("source")?.Attribute("file")
            ?? throw new InvalidOperationException($"{DomainName}'s disk has no source file");
        var format = (string?)disk.Element("driver")?.Attribute("type");
        return (source, format);
    }
}
