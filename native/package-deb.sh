#!/usr/bin/env bash
# Builds artifacts/deb/virt-snap_<version>_amd64.deb with dpkg-deb: the NativeAOT virt-snap as /usr/bin/virt-snap,
# virt-snap(1) written by the binary itself (its hidden `manpage` command, from the command tree --help prints),
# the bash completion (native/deb/virt-snap.bash-completion), the copyright and changelog Debian wants.
# Depends: libvirt0 (>= 9.0) (the binary loads libvirt.so.0 and libvirt-qemu.so.0 at run time, so dpkg-shlibdeps
# cannot see them) and the C library dpkg-shlibdeps finds; Recommends: qemu-utils (instant snapshots create overlays).
# Needs clang, lld, zlib1g-dev and dpkg-dev (native/setup-host.sh installs them). Options:
#   --lintian    also run Debian's lintian on the package and fail on any error or warning
# Prints the path of the package on its last line. Install it with: apt-get install ./artifacts/deb/virt-snap_*.deb
set -euo pipefail
cd "$(dirname "$0")/.."

lintian=0
for arg in "$@"; do
    case "$arg" in
        --lintian) lintian=1 ;;
        *) echo "package-deb: unknown option $arg" >&2; exit 2 ;;
    esac
done

version=$(sed -n 's|.*<Version>\(.*\)</Version>.*|\1|p' Directory.Build.props | head -n 1)
[ -n "$version" ] || { echo "package-deb: no <Version> in Directory.Build.props" >&2; exit 1; }
out=artifacts/deb
deb="$out/virt-snap_${version}_amd64.deb"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root="$work/root"

echo "package-deb: publishing virt-snap $version (NativeAOT, linux-x64)" >&2
dotnet publish src/Snapshot.Cli -c Release -r linux-x64 -warnaserror -o "$work/publish" -nologo -v quiet >&2

install -D -m 0755 "$work/publish/virt-snap" "$root/usr/bin/virt-snap"
# The toolchain's .comment section (compiler versions) is of no use in a package.
objcopy --remove-section=.comment "$root/usr/bin/virt-snap"
mkdir -p "$root/usr/share/man/man1"
"$root/usr/bin/virt-snap" manpage | gzip -9n > "$root/usr/share/man/man1/virt-snap.1.gz"
install -D -m 0644 native/deb/virt-snap.bash-completion "$root/usr/share/bash-completion/completions/virt-snap"
install -D -m 0644 native/deb/copyright "$root/usr/share/doc/virt-snap/copyright"
# The changelog's date is the last commit's, so that the same tree makes the same package.
when=$(git log -1 --format=%cD 2>/dev/null || date -R)
printf 'virt-snap (%s) unstable; urgency=medium\n\n  * Release %s: see the project'"'"'s README.\n\n -- virt-snap developers <virt-snap@users.noreply.github.com>  %s\n' \
    "$version" "$version" "$when" | gzip -9n > "$root/usr/share/doc/virt-snap/changelog.gz"

# dpkg-shlibdeps reads the ELF's NEEDED libraries (libc, libm) and wants a debian/control to stand in a source tree.
mkdir -p "$work/src/debian"
printf 'Source: virt-snap\n\nPackage: virt-snap\nArchitecture: amd64\n' > "$work/src/debian/control"
shlibs=$(cd "$work/src" && dpkg-shlibdeps -O "$root/usr/bin/virt-snap" 2>/dev/null | sed -n 's/^shlibs:Depends=//p')
[ -n "$shlibs" ] || { echo "package-deb: dpkg-shlibdeps found no libraries" >&2; exit 1; }

mkdir -p "$root/DEBIAN"
cat > "$root/DEBIAN/control" <<CONTROL
Package: virt-snap
Version: $version
Architecture: amd64
Maintainer: virt-snap developers <virt-snap@users.noreply.github.com>
Installed-Size: $(du -sk --exclude=DEBIAN "$root" | cut -f1)
Depends: $shlibs, libvirt0 (>= 9.0)
Recommends: qemu-utils
Section: admin
Priority: optional
Homepage: https://github.com/virt-snap/virt-snap
Description: libvirt VM snapshots: virsh's snapshot commands, instant snapshots
 virt-snap has virsh's snapshot commands (snapshot-create-as, snapshot-list,
 snapshot-revert, ...) with the same names, options and output, plus instant
 snapshots (QEMU's background snapshot: the guest pauses for milliseconds),
 reverts to external snapshots, JSON output and stable exit codes.
CONTROL
(cd "$root" && find usr -type f -print0 | sort -z | xargs -0 md5sum) > "$root/DEBIAN/md5sums"
chmod 0644 "$root/DEBIAN/control" "$root/DEBIAN/md5sums"

mkdir -p "$out"
rm -f "$out"/virt-snap_*_amd64.deb
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >&2
if [ "$lintian" -eq 1 ]; then
    echo "package-deb: lintian" >&2
    lintian --fail-on error,warning "$deb" >&2
fi
echo "$deb"
