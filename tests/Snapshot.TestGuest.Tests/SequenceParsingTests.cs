using System.Buffers.Binary;

namespace Snapshot.TestGuest.Tests;

public class SequenceParsingTests
{
    [Fact]
    public void A_sequence_block_holds_magic_seq_and_its_complement()
    {
        var block = new byte[TestGuest.SequenceBlockSize];
        "VSNAPSEQ"u8.CopyTo(block);
        BinaryPrimitives.WriteUInt64LittleEndian(block.AsSpan(8), 1234);
        BinaryPrimitives.WriteUInt64LittleEndian(block.AsSpan(16), ~1234UL);

        TestGuest.ParseSequenceBlock(block).Should().Be(1234);

        block[16] ^= 1;
        TestGuest.ParseSequenceBlock(block).Should().Be(TestGuest.NoSequence);
        TestGuest.ParseSequenceBlock(new byte[TestGuest.SequenceBlockSize]).Should().Be(TestGuest.NoSequence);
    }

    [Theory]
    [InlineData("seq=17", 17L)]
    [InlineData("seq=17\r", 17L)]
    [InlineData("seseq=18", 18L)] // a line cut by a revert, then the restored guest's line
    [InlineData("filled=256", null)]
    [InlineData("INCONSISTENT disk=5 mem=4", null)]
    [InlineData("start=3", null)]
    public void Seq_lines_are_recognised(string line, long? expected) =>
        SerialLog.ParseSequence(line).Should().Be(expected);

    // The failure CI met (stack 2, a delete test): the disk held 3 when the snapshot was taken, the restored guest
    // printed its pending "seq=3" first, then 4.
    [Theory]
    [InlineData(new[] { "seq=4" }, 4L)]
    [InlineData(new[] { "seq=3", "seq=4" }, 4L)]
    [InlineData(new[] { "rewrote=1 rate=2", "seq=3", "start=0", "seq=4" }, 4L)]
    [InlineData(new[] { "seq=3" }, null)]
    [InlineData(new[] { "seq=3", "seq=3" }, 3L)] // printed twice: the guest did not go on from 3
    [InlineData(new[] { "seq=2", "seq=3" }, 2L)]
    [InlineData(new[] { "seq=9" }, 9L)]
    public void After_a_revert_only_one_late_line_of_the_disks_number_is_passed_over(string[] lines, long? expected) =>
        SerialLog.SequenceAfterRevert(lines, onDisk: 3).Should().Be(expected);

    [Fact]
    public void Marks_split_the_log_at_whole_lines()
    {
        var path = Path.Combine(Path.GetTempPath(), $"serial-{Guid.NewGuid():N}.log");
        try
        {
            File.WriteAllText(path, "start=0\nseq=1\nse");
            var log = new SerialLog(path);
            var mark = log.Mark();
            log.LinesAfter(new LogMark(-1)).Should().Equal("start=0", "seq=1");
            log.LinesAfter(mark).Should().BeEmpty();

            File.AppendAllText(path, "q=2\nINCONSISTENT disk=9 mem=2\nseq=3\n");
            log.LinesAfter(mark).Should().Equal("seq=2", "INCONSISTENT disk=9 mem=2", "seq=3");
            log.LinesAfter(mark).Where(SerialLog.IsInconsistent).Should().ContainSingle();
        }
        finally
        {
            File.Delete(path);
        }
    }
}
