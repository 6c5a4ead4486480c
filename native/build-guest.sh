#!/usr/bin/env bash
# Builds the virt-snap test guest: a Debian cloud kernel and a busybox initramfs whose init runs
# native/guest/workload.c (see there for what the guest does and prints).
#
# Output: native/.cache/guest/vmlinuz and native/.cache/guest/initramfs.cpio.gz (printed at the end).
# Everything downloaded or built lives in native/.cache/ (git-ignored). Idempotent: when the outputs
# are up to date with their inputs nothing is downloaded or rebuilt. Needs what native/setup-host.sh
# installs (busybox-static, cpio, gcc, libc6-dev) and apt for the kernel package.
# VSNAP_KERNEL_PACKAGE=linux-image-6.1.0-N-cloud-amd64 pins the kernel package (default: the one the
# linux-image-cloud-amd64 meta package points at, chosen once and remembered in the cache).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
cache="$here/.cache"
out="$cache/guest"
modules=(virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci virtio_blk)

say() { echo "build-guest: $*" >&2; }
die() { say "$*"; exit 1; }

for tool in gcc cpio gzip dpkg dpkg-deb apt-get apt-cache sha256sum; do
    command -v "$tool" >/dev/null || die "$tool is missing (run native/setup-host.sh)"
done

mkdir -p "$cache"
chmod 755 "$cache"

# --- kernel package: chosen once, then remembered -------------------------------------------------
kernel_pkg_file="$cache/kernel-package"
if [ -n "${VSNAP_KERNEL_PACKAGE:-}" ]; then
    kernel_pkg=$VSNAP_KERNEL_PACKAGE
elif [ -s "$kernel_pkg_file" ]; then
    kernel_pkg=$(cat "$kernel_pkg_file")
else
    find_kernel_pkg() {
        local pkg
        pkg=$(apt-cache depends linux-image-cloud-amd64 2>/dev/null |
            sed -n 's/^ *Depends: \(linux-image-6\.1\.0-[0-9]*-cloud-amd64\)$/\1/p' | head -n 1)
        if [ -z "$pkg" ]; then
            pkg=$(apt-cache search --names-only '^linux-image-6\.1\.0-[0-9]+-cloud-amd64$' 2>/dev/null |
                awk '{print $1}' | sort -V | tail -n 1)
        fi
        echo "$pkg"
    }
    kernel_pkg=$(find_kernel_pkg)
    if [ -z "$kernel_pkg" ] && [ "$(id -u)" -eq 0 ]; then
        say "apt knows no cloud kernel yet: apt-get update"
        apt-get update -qq >&2 || true
        kernel_pkg=$(find_kernel_pkg)
    fi
    [ -n "$kernel_pkg" ] || die "no linux-image-6.1.0-*-cloud-amd64 package known to apt (apt-get update?)"
fi
kernel_release=${kernel_pkg#linux-image-}
kernel_dir="$cache/kernel/$kernel_release"

if [ ! -f "$kernel_dir/.complete" ]; then
    say "downloading $kernel_pkg"
    debs="$cache/debs"
    mkdir -p "$debs"
    chmod 777 "$debs" # apt-get download drops to the _apt user when it can
    rm -f "$debs/${kernel_pkg}_"*.deb
    (cd "$debs" && apt-get download -q "$kernel_pkg" 2>&1 | grep -v -e '^Get:' -e '^Fetched' -e '_apt' >&2 || true)
    deb=$(ls "$debs/${kernel_pkg}_"*.deb 2>/dev/null | head -n 1)
    [ -n "$deb" ] || die "apt-get download $kernel_pkg produced nothing"
    rm -rf "$kernel_dir"
    mkdir -p "$kernel_dir"
    dpkg-deb -x "$deb" "$kernel_dir"
    [ -f "$kernel_dir/boot/vmlinuz-$kernel_release" ] || die "$deb holds no boot/vmlinuz-$kernel_release"
    touch "$kernel_dir/.complete"
    rm -f "$deb"
fi
echo "$kernel_pkg" >"$kernel_pkg_file"

moddir="$kernel_dir/lib/modules/$kernel_release"
vmlinuz="$kernel_dir/boot/vmlinuz-$kernel_release"

# --- busybox -------------------------------------------------------------------------------------
busybox=""
if dpkg-query -W -f='${Status}' busybox-static 2>/dev/null | grep -q 'install ok installed'; then
    busybox=$(dpkg -L busybox-static | grep -E '/bin/busybox$' | head -n 1)
fi
[ -n "$busybox" ] && [ -x "$busybox" ] || die "busybox-static is not installed (run native/setup-host.sh)"

# --- up to date? ----------------------------------------------------------------------------------
stamp=$( {
    echo "kernel $kernel_release"
    sha256sum "$here/guest/workload.c" "$here/guest/init" "$busybox" "$0" | awk '{print $1}'
} | sha256sum | awk '{print $1}')
if [ -f "$out/vmlinuz" ] && [ -f "$out/initramfs.cpio.gz" ] && [ "$(cat "$out/stamp" 2>/dev/null)" = "$stamp" ]; then
    say "up to date"
    echo "$out/vmlinuz"
    echo "$out/initramfs.cpio.gz"
    exit 0
fi

# --- build ----------------------------------------------------------------------------------------
work=$(mktemp -d "$cache/build.XXXXXX")
trap 'rm -rf "$work"' EXIT
root="$work/root"
mkdir -p "$root"/{bin,dev,proc,sys,lib/modules}

say "compiling workload"
gcc -static -O2 -Wall -Wextra -pthread -o "$root/workload" "$here/guest/workload.c"
strip "$root/workload" 2>/dev/null || true

cp "$busybox" "$root/bin/busybox"
cp "$here/guest/init" "$root/init"
chmod 755 "$root/init" "$root/workload" "$root/bin/busybox"

for m in "${modules[@]}"; do
    ko=$(find "$moddir/kernel" \( -name "$m.ko" -o -name "$m.ko.xz" -o -name "$m.ko.zst" \) | head -n 1)
    if [ -z "$ko" ]; then
        grep -q "/$m.ko" "$moddir/modules.builtin" 2>/dev/null || die "module $m is neither in $moddir nor built in"
        continue
    fi
    case "$ko" in
        *.xz) xz -dc "$ko" >"$root/lib/modules/$m.ko" ;;
        *.zst) zstd -qdc "$ko" >"$root/lib/modules/$m.ko" ;;
        *) cp "$ko" "$root/lib/modules/$m.ko" ;;
    esac
done

mkdir -p "$out"
chmod 755 "$out"
say "packing initramfs"
(cd "$root" && find . -print0 | LC_ALL=C sort -z | cpio --null -o -H newc --owner=0:0 --quiet) |
    gzip -9 -n >"$work/initramfs.cpio.gz"
cp "$vmlinuz" "$work/vmlinuz"
chmod 644 "$work/initramfs.cpio.gz" "$work/vmlinuz"
mv -f "$work/vmlinuz" "$out/vmlinuz"
mv -f "$work/initramfs.cpio.gz" "$out/initramfs.cpio.gz"
echo "$kernel_release" >"$out/kernel-release"
echo "$stamp" >"$out/stamp"

say "built guest with kernel $kernel_release"
echo "$out/vmlinuz"
echo "$out/initramfs.cpio.gz"
