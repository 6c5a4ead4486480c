using System.Buffers.Binary;
using System.Text;

namespace Snapshot.Engine.Tests.Revert;

public class SaveImageHeaderTests
{
    private static byte[] Image(string magic = SaveImageHeader.CompleteMagic, uint dataLength = 64, bool vmDescription = true, int cut = 0)
    {
        var stream = new MemoryStream();
        var header = new byte[SaveImageHeader.Size];
        Encoding.ASCII.GetBytes(magic).CopyTo(header, 0);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(16), 2);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(20), dataLength);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(24), 1);
        stream.Write(header);
        var xml = new byte[dataLength];
        Encoding.ASCII.GetBytes("<domain/>").CopyTo(xml, 0);
        stream.Write(xml);
        stream.Write([0x51, 0x45, 0x56, 0x4D, 0, 0, 0, 3]);
        stream.Write(new byte[5000]);
        if (vmDescription)
        {
            var json = "{\"page_size\": 4096, \"devices\": []}"u8;
            stream.Write([0x01, 0x06]);
            var length = new byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(length, (uint)json.Length);
            stream.Write(length);
            stream.Write(json);
        }
        else
        {
            stream.WriteByte(0x01);
        }
        var bytes = stream.ToArray();
        return bytes[..(bytes.Length - cut)];
    }

    private static SaveImageHeader Read(byte[] bytes) => SaveImageHeader.Read(new MemoryStream(bytes), "mem");

    [Fact]
    public void A_complete_image_is_read()
    {
        var header = Read(Image());
        header.Version.Should().Be(2);
        header.WasRunning.Should().BeTrue();
        header.StreamOffset.Should().Be(92 + 64);
        Read(Image(vmDescription: false)).Magic.Should().Be("LibvirtQemudSave");
    }

    [Theory]
    [InlineData(SaveImageHeader.PartialMagic, 0, "incomplete")]
    [InlineData("NotASaveImage!!!", 0, "not a libvirt save image")]
    [InlineData(SaveImageHeader.CompleteMagic, 10, "truncated")]
    [InlineData(SaveImageHeader.CompleteMagic, 2000, "truncated")]
    public void Broken_images_are_refused_as_bad_input(string magic, int cut, string says)
    {
        var read = () => Read(Image(magic, cut: cut));
        read.Should().Throw<SnapshotException>().Where(e => e.Kind == SnapshotErrorKind.BadInput && e.Message.Contains(says) && e.Message.Contains("'mem'"));
    }

    [Fact]
    public void A_header_alone_or_less_is_refused()
    {
        var image = Image();
        ((Action)(() => Read(image[..50]))).Should().Throw<SnapshotException>().WithMessage("*too short*");
        ((Action)(() => Read(image[..(92 + 64)]))).Should().Throw<SnapshotException>().WithMessage("*no memory stream*");
    }
}
