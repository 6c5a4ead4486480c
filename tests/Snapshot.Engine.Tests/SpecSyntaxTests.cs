using Snapshot.Engine;

namespace Snapshot.Engine.Tests;

public class SpecSyntaxTests
{
    [Theory]
    [InlineData("/var/mem", null, "/var/mem")]
    [InlineData("file=/var/mem,snapshot=external", SnapshotMode.External, "/var/mem")]
    [InlineData("snapshot=no", SnapshotMode.No, null)]
    [InlineData("file=/var/a,,b", null, "/var/a,b")]
    public void Memspec_parts_are_read_as_virsh_reads_them(string text, SnapshotMode? snapshot, string? file)
    {
        MemorySpec.Parse(text).Should().Be(new MemorySpec(snapshot, file));
    }

    [Theory]
    [InlineData("relative/path")]
    [InlineData("file=/a,file=/b")]
    [InlineData("bogus=1")]
    [InlineData("")]
    public void Bad_memspecs_are_bad_input(string text)
    {
        var act = () => MemorySpec.Parse(text);
        act.Should().Throw<SnapshotException>()
            .Where(e => e.Kind == SnapshotErrorKind.BadInput && e.Message == $"unable to parse memspec: {text}");
    }

    [Fact]
    public void Diskspec_reads_every_key()
    {
        DiskSpec.Parse("vda,snapshot=external,driver=qcow2,stype=file,file=/x/o,,v.qcow2")
            .Should().Be(new DiskSpec("vda", SnapshotMode.External, "qcow2", DiskSourceType.File, "/x/o,v.qcow2"));
        DiskSpec.Parse("vdb").Should().Be(new DiskSpec("vdb"));
    }

    [Fact]
    public void A_mode_libvirt_does_not_know_is_refused_with_libvirts_words_before_reaching_it()
    {
        var memory = () => MemorySpec.Parse("/m,snapshot=banana");
        memory.Should().Throw<SnapshotException>().Where(e => e.Kind == SnapshotErrorKind.BadInput
            && e.Message == "XML error: Invalid value for attribute 'snapshot' in element 'memory': 'banana'.");
        var disk = () => DiskSpec.Parse("vda,snapshot=banana");
        disk.Should().Throw<SnapshotException>().Where(e => e.Message == "XML error: Invalid value for attribute 'snapshot' in element 'disk': 'banana'.");
        MemorySpec.TryParse("/m,snapshot=banana", out _).Should().BeFalse();
        DiskSpec.TryParse("vdb,snapshot=no", out var excluded).Should().BeTrue();
        excluded.Should().Be(DiskSpec.Excluded("vdb"));
    }

    [Theory]
    [InlineData("vda,unknown=1")]
    [InlineData(",snapshot=external")]
    [InlineData("vda,stype=network")]
    public void Bad_diskspecs_are_bad_input(string text)
    {
        var act = () => DiskSpec.Parse(text);
        act.Should().Throw<SnapshotException>().Where(e => e.Kind == SnapshotErrorKind.BadInput);
    }
}
