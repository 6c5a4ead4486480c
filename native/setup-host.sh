#!/usr/bin/env bash
# Prepares this machine to run virt-snap and its tests against a real libvirtd:
# libvirt and QEMU from Debian's packages, the daemons started by hand (no systemd here),
# /dev/kvm for the kvm group, unprivileged userfaultfd (QEMU's background-snapshot needs it),
# and a wait until qemu:///system answers; the NativeAOT toolchain (clang, lld, zlib1g-dev: the linker side
# of `dotnet publish -p:PublishAot=true`) and the Debian packaging tools (dpkg-dev, lintian, man-db,
# bash-completion) that native/package-deb.sh and its tests use, GNU time (the benchmark's peak memory). Idempotent: a second run changes nothing.
# Run as root. Prints one line per thing it changed.
set -euo pipefail

[ "$(id -u)" -eq 0 ] || { echo "setup-host: must run as root" >&2; exit 1; }

packages=(libvirt-daemon-system libvirt-daemon-driver-qemu libvirt-clients libvirt-dev
          qemu-system-x86 qemu-utils busybox-static cpio gcc libc6-dev
          clang lld zlib1g-dev
          dpkg-dev lintian man-db bash-completion time openssh-client)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
    echo "setup-host: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ -e /dev/kvm ]; then
    if [ "$(stat -c %G /dev/kvm)" != kvm ] || [ "$(stat -c %a /dev/kvm)" != 660 ]; then
        echo "setup-host: giving the kvm group /dev/kvm"
        chgrp kvm /dev/kvm && chmod 660 /dev/kvm
    fi
fi

if [ "$(sysctl -n vm.unprivileged_userfaultfd)" != 1 ]; then
    echo "setup-host: vm.unprivileged_userfaultfd=1"
    sysctl -q -w vm.unprivileged_userfaultfd=1
fi

# The host's own daemons only: native/setup-stack2.sh runs daemons of the same names in a chroot.
running() {
    local pid
    for pid in $(pgrep -x "$1" || true); do
        [ "$(readlink "/proc/$pid/root" 2>/dev/null)" = / ] && return 0
    done
    return 1
}
if ! running virtlogd; then
    echo "setup-host: starting virtlogd"
    virtlogd -d
fi
if ! running libvirtd; then
    echo "setup-host: starting libvirtd"
    libvirtd -d
fi

for _ in $(seq 1 60); do
    if virsh -q -c qemu:///system version >/dev/null 2>&1; then exit 0; fi
    sleep 0.5
done
echo "setup-host: qemu:///system did not answer within 30 s" >&2
exit 1
