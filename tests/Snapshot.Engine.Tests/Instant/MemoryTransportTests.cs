using System.Xml.Linq;

namespace Snapshot.Engine.Tests.Instant;

public sealed class MemoryTransportTests
{
    [Theory]
    [InlineData("<domain><seclabel type='dynamic' model='dac' relabel='yes'><label>+64055:+994</label><imagelabel>+64055:+107</imagelabel></seclabel></domain>", "64055:107")]
    [InlineData("<domain><seclabel type='dynamic' model='dac'><label>+64055:+994</label></seclabel></domain>", "64055:994")]
    [InlineData("<domain><seclabel type='dynamic' model='dac'><imagelabel>+0:+0</imagelabel></seclabel></domain>", null)]
    [InlineData("<domain><seclabel type='none' model='none'/></domain>", null)]
    [InlineData("<domain/>", null)]
    public void QEMUs_user_is_the_DAC_image_label(string xml, string? owner) =>
        InstantPreflight.QemuOwner(XElement.Parse(xml)).Should().Be(owner);

    [Fact]
    public void A_DAC_label_by_name_is_refused_rather_than_guessed()
    {
        var act = () => InstantPreflight.QemuOwner(XElement.Parse("<domain><seclabel model='dac'><imagelabel>qemu:kvm</imagelabel></seclabel></domain>"));
        act.Should().Throw<SnapshotException>().Which.Kind.Should().Be(SnapshotErrorKind.NotSupported);
    }

    [Fact]
    public void The_file_URI_carries_the_path_and_the_offset()
    {
        var sent = new List<string>();
        var qemu = new QemuMigration(new RecordingQemu(sent));
        qemu.MigrateToFile("/var/tmp/a b/vm.mem", 8192);
        sent.Should().Equal("{\"execute\":\"migrate\",\"arguments\":{\"uri\":\"file:/var/tmp/a b/vm.mem,offset=8192\"}}");
    }

    private sealed class RecordingQemu(List<string> sent) : IQemuDomain
    {
        public string Command(string command)
        {
            sent.Add(command);
            return "{\"return\":{}}";
        }

        public string CommandWithFile(string command, Microsoft.Win32.SafeHandles.SafeFileHandle file) => throw new NotSupportedException();

        public bool HasJob() => false;

        public void SwitchDisks(string snapshotXml, Snapshot.Interop.SnapshotCreateFlags flags) => throw new NotSupportedException();
    }
}
