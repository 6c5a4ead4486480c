namespace Snapshot.Package.Tests;

/// <summary>
/// native/package-deb.sh once for the class: the .deb, clean under lintian, then installed on this machine with
/// apt-get as a Debian user would, used (PATH, man, bash completion of domain and snapshot names) and removed.
/// </summary>
public sealed class DebPackageFixture
{
    public DebPackageFixture()
    {
        var build = DotnetCli.RunProcess(Path.Combine(Repo.Root, "native", "package-deb.sh"), Repo.Root, new Dictionary<string, string>(),
            TimeSpan.FromMinutes(20), "--lintian");
        ExitCode = build.ExitCode;
        Log = build.ToString();
        Deb = build.Out.Trim().Split('\n').Last();
    }

    /// <summary>The script's exit code: 0 when the package was built and lintian had no error or warning.</summary>
    public int ExitCode { get; }

    /// <summary>What the script printed (lintian's words on stderr).</summary>
    public string Log { get; }

    /// <summary>The package, relative to the repository root.</summary>
    public string Deb { get; }
}

[Collection(PackagesCollection.Name)]
public sealed class DebPackageTests(DebPackageFixture deb, ITestOutputHelper output) : IClassFixture<DebPackageFixture>
{
    private static readonly TimeSpan AptTimeout = TimeSpan.FromMinutes(10);

    private static ProcessOutput Sh(string script, TimeSpan? timeout = null) =>
        DotnetCli.RunProcess("bash", Repo.Root, new Dictionary<string, string> { ["DEBIAN_FRONTEND"] = "noninteractive" },
            timeout ?? TimeSpan.FromMinutes(1), "-c", script);

    private ProcessOutput Checked(string script, TimeSpan? timeout = null)
    {
        var result = Sh(script, timeout);
        output.WriteLine($"$ {script}\n{result}");
        result.ExitCode.Should().Be(0, result.ToString());
        return result;
    }

    [Fact]
    public void Package_is_built_lintian_clean_with_the_native_binary_man_page_and_completion()
    {
        output.WriteLine(deb.Log);
        deb.ExitCode.Should().Be(0, $"package-deb.sh --lintian fails on any lintian error or warning:\n{deb.Log}");
        deb.Deb.Should().MatchRegex(@"^artifacts/deb/virt-snap_\d+\.\d+\.\d+[^/]*_amd64\.deb$");

        var contents = Checked($"dpkg-deb --contents {deb.Deb}").Out;
        foreach (var file in (string[])["./usr/bin/virt-snap", "./usr/share/man/man1/virt-snap.1.gz",
            "./usr/share/bash-completion/completions/virt-snap", "./usr/share/doc/virt-snap/copyright"])
            contents.Should().Contain(file);
        var fields = Checked($"dpkg-deb --field {deb.Deb} Package Architecture Depends Recommends").Out;
        fields.Should().Contain("Package: virt-snap").And.Contain("Architecture: amd64").And.Contain("Recommends: qemu-utils");
        fields.Should().MatchRegex(@"(?m)^Depends: .*libvirt0 \(>= 9\.0\)").And.MatchRegex(@"(?m)^Depends: .*libc6 \(>= ");
    }

    [Fact]
    public void Apt_installs_it_and_a_user_gets_virt_snap_on_path_man_and_completion_of_domains_and_snapshots()
    {
        deb.ExitCode.Should().Be(0, deb.Log);
        Sh("[ \"$(id -u)\" = 0 ]").ExitCode.Should().Be(0, "installing a package needs root (tests/run.sh runs as root)");
        var wasInstalled = Sh("dpkg-query -W -f='${Status}' virt-snap 2>/dev/null | grep -q 'install ok installed'").ExitCode == 0;
        Checked($"apt-get install -y -q -o DPkg::Lock::Timeout=300 ./{deb.Deb}", AptTimeout);
        try
        {
            Checked("command -v virt-snap").Out.Trim().Should().Be("/usr/bin/virt-snap");
            File.ReadAllBytes("/usr/bin/virt-snap").Take(4).Should().Equal([0x7F, (byte)'E', (byte)'L', (byte)'F'], "the NativeAOT binary itself");
            Checked("virt-snap -c test:///default version").Out.Should().Contain("Using API: TEST");
            Checked("man -w virt-snap").Out.Trim().Should().Be("/usr/share/man/man1/virt-snap.1.gz");
            Checked("MANWIDTH=80 man virt-snap | col -b").Out.Should().Contain("snapshot-create-as").And.Contain("EXIT STATUS");

            var node = Path.Combine(Path.GetTempPath(), $"virtsnap-deb-node-{Environment.ProcessId}.xml");
            File.WriteAllText(node, """
                <node xmlns:test='http://libvirt.org/schemas/domain/test/1.0'>
                  <domain type='test'>
                    <name>web1</name><memory>65536</memory><os><type arch='x86_64'>hvm</type></os>
                    <test:domainsnapshot><name>installed</name><state>shutoff</state><creationTime>1700000000</creationTime><memory snapshot='no'/><active>0</active></test:domainsnapshot>
                    <test:domainsnapshot><name>before-upgrade</name><state>shutoff</state><creationTime>1700000100</creationTime><memory snapshot='no'/><parent><name>installed</name></parent><active>1</active></test:domainsnapshot>
                  </domain>
                  <domain type='test'><name>db1</name><memory>65536</memory><os><type arch='x86_64'>hvm</type></os></domain>
                </node>
                """);
            try
            {
                // A bash as a Debian user has it: bash-completion loads /usr/share/bash-completion/completions/virt-snap on first
                // use. COMP_WORDS is split as bash splits it, at ':' too; the script joins the URI again.
                var uri = "test://" + node;
                Checked($"virt-snap -c {uri} snapshot-list web1 --name").Out.Should().Be("before-upgrade\ninstalled\n\n");
                var completion = Checked($$"""
                    source /usr/share/bash-completion/bash_completion
                    _completion_loader virt-snap
                    complete -p virt-snap
                    fn=$(complete -p virt-snap | sed -n 's/.*-F \([^ ]*\).*/\1/p')
                    ask() { COMP_LINE="$1"; COMP_POINT=${#COMP_LINE}; read -ra COMP_WORDS <<< "${COMP_LINE//:/ : }"
                            [ "${COMP_LINE: -1}" = " " ] && COMP_WORDS+=("")
                            COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMPREPLY=()
                            "$fn" virt-snap "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
                            echo "$1 => ${COMPREPLY[*]}"; }
                    export LIBVIRT_DEFAULT_URI='{{uri}}'
                    ask 'virt-snap snapshot-l'
                    ask 'virt-snap snapshot-list '
                    ask 'virt-snap snapshot-list web1 --tr'
                    ask 'virt-snap snapshot-revert web1 '
                    ask 'virt-snap snapshot-info --domain web1 --snapshotname i'
                    unset LIBVIRT_DEFAULT_URI
                    ask 'virt-snap -c test:///default snapshot-info '
                    """).Out;
                completion.Should().Contain("complete -o default -o nosort -F _virt_snap virt-snap");
                completion.Should().Contain("virt-snap snapshot-l => snapshot-list\n");
                completion.Should().Contain("virt-snap snapshot-list  => db1 web1\n");
                completion.Should().Contain("virt-snap snapshot-list web1 --tr => --tree\n");
                completion.Should().Contain("virt-snap snapshot-revert web1  => before-upgrade installed\n");
                completion.Should().Contain("virt-snap snapshot-info --domain web1 --snapshotname i => installed\n");
                completion.Should().Contain("virt-snap -c test:///default snapshot-info  => test\n", "-c URI is read across bash's ':' split");
            }
            finally
            {
                File.Delete(node);
            }
        }
        finally
        {
            if (!wasInstalled)
            {
                Checked("apt-get remove -y -q -o DPkg::Lock::Timeout=300 virt-snap", AptTimeout);
                Sh("command -v virt-snap").ExitCode.Should().NotBe(0, "removing the package takes /usr/bin/virt-snap away");
            }
        }
    }
}
