using Snapshot.Engine;

namespace Snapshot.Engine.Tests;

public class SpecSyntaxTests
{
    [Theory]
    [InlineData("/var/mem", null, "/var/mem")]
    [InlineData("file=/var/mem,snapshot=external", "external", "/var/mem")]
    [InlineData("snapshot=no", "no", null)]
    [InlineData("file=/var/a,,b", null, "/var/a,b")]
    public void Memspec_parts_are_read_as_virsh_reads_them(string text, string? snapshot, string? file)
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
            .Should().Be(new DiskSpec("vda", "external", "qcow2", "file", "/x/o,v.qcow2"));
        DiskSpec.Parse("vdb").Should().Be(new DiskSpec("vdb"));
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
