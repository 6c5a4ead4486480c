#!/usr/bin/env bash
# The second stack of the tests: libvirt 11.3 + QEMU 10.0 (Debian 13's versions, from bookworm-backports)
# in a Debian 12 chroot beside the host's libvirt 9.0 + QEMU 7.2, with its own virtlogd and libvirtd,
# reached from outside as qemu+unix:///system?socket=ROOT/run/libvirt/libvirt-sock.
# The chroot lives outside the repository (VIRTSNAP_STACK2_ROOT, default below), so every clone and CI
# on this machine reuse it. Idempotent: a second run changes nothing; it starts the daemons again when
# they are not running (after a reboot or after every process was killed) and copes with stale pid files
# and sockets. Run as root, after native/setup-host.sh. Prints one line per thing it changed; the last
# line of a successful run is the stack's URI only when asked (--print-uri).
set -euo pipefail

[ "$(id -u)" -eq 0 ] || { echo "setup-stack2: must run as root" >&2; exit 1; }

ROOT=${VIRTSNAP_STACK2_ROOT:-/var/lib/virt-snap/stack2}
# The test guests' directory (tests/Snapshot.TestGuest TestGuest.RootDirectory), the same path inside and
# outside so that a domain XML's paths mean the same file on both sides.
IMAGES=/var/tmp/virtsnap-tests
URI="qemu+unix:///system?socket=$ROOT/run/libvirt/libvirt-sock"
PACKAGES=(libvirt-daemon-system libvirt-daemon-driver-qemu libvirt-clients qemu-system-x86 qemu-utils)
say() { echo "setup-stack2: $*"; }

# The host's Debian mirror, read from its apt sources (deb822 or one-line form): never written anywhere.
host_mirror() {
    local uri
    uri=$(awk 'BEGIN { RS = ""; FS = "\n" }
        { uris = ""; suites = ""
          for (i = 1; i <= NF; i++) {
            if ($i ~ /^URIs:/) { uris = $i; sub(/^URIs:[ \t]*/, "", uris) }
            if ($i ~ /^Suites:/) { suites = " " $i " " } }
          if (uris != "" && suites ~ /[ \t]bookworm[ \t]/) { split(uris, u, /[ \t]+/); print u[1]; exit } }' \
        /etc/apt/sources.list.d/*.sources 2>/dev/null || true)
    if [ -z "$uri" ]; then
        uri=$(grep -hsE '^deb[[:space:]]' /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
            | sed -E 's/\[[^]]*\]//' | awk '$3 == "bookworm" { print $2; exit }')
    fi
    [ -n "$uri" ] || { echo "setup-stack2: no bookworm mirror in the host's apt sources" >&2; exit 1; }
    echo "$uri"
}

# Unmounts everything mounted at or below $1, deepest first.
unmount_below() {
    local m
    findmnt -rn -o TARGET | awk -v p="$1" '$0 == p || index($0, p "/") == 1' | sort -r | while read -r m; do
        umount "$m" || umount -l "$m"
    done
}

in_root() { chroot "$ROOT" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 "$@"; }

# 1. The chroot, made under a temporary name and renamed when whole, so an interrupted run starts over.
if [ ! -x "$ROOT/usr/bin/apt-get" ]; then
    if ! command -v debootstrap >/dev/null; then
        say "installing debootstrap"
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap >/dev/null \
            || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap >/dev/null; }
    fi
    partial="$ROOT.partial"
    unmount_below "$partial"
    if findmnt -rn -o TARGET | grep -q "^$partial"; then echo "setup-stack2: $partial still has mounts" >&2; exit 1; fi
    rm -rf --one-file-system "$partial"
    mkdir -p "$(dirname "$ROOT")"
    say "making a Debian 12 chroot in $ROOT (debootstrap, a few minutes)"
    debootstrap --variant=minbase --include=ca-certificates,libstdc++6,zlib1g bookworm "$partial" "$(host_mirror)" \
        >"$partial.log" 2>&1 || { echo "setup-stack2: debootstrap failed, see $partial.log" >&2; unmount_below "$partial"; exit 1; }
    unmount_below "$partial"
    rm -f "$partial.log"
    mv "$partial" "$ROOT"
fi

# 2. The kernel file systems and the images directory, each mounted once.
mkdir -p "$IMAGES"
chmod a+rx "$IMAGES"
mount_once() { # SOURCE TARGET [mount options...]
    local source=$1 target=$2; shift 2
    mkdir -p "$target"
    # A bind mount made before its source was deleted and made again shows the old, deleted directory: the guests'
    # files written on the host are then not in the chroot. Such a mount is made again.
    if [[ $source == /* ]] && mountpoint -q "$target" && [ -d "$source" ] && [ "$(stat -c %d:%i "$source")" != "$(stat -c %d:%i "$target")" ]; then
        say "remounting $source on $target (the mount shows a directory since replaced)"
        umount -l "$target"
    fi
    if ! mountpoint -q "$target"; then
        say "mounting $source on $target"
        mount "$@" "$source" "$target"
    fi
}
mount_once proc "$ROOT/proc" -t proc
mount_once /sys "$ROOT/sys" --bind
mount_once /dev "$ROOT/dev" --bind
mount_once /dev/pts "$ROOT/dev/pts" --bind
mount_once /dev/shm "$ROOT/dev/shm" --bind
mount_once "$IMAGES" "$ROOT$IMAGES" --bind
# The host's .NET, read-only, so that the CLI can run inside on this stack's own libvirt client library.
if command -v dotnet >/dev/null; then
    dotnet_dir=$(dirname "$(readlink -f "$(command -v dotnet)")")
    mkdir -p "$ROOT/opt/dotnet"
    if ! mountpoint -q "$ROOT/opt/dotnet"; then
        say "mounting $dotnet_dir read-only on $ROOT/opt/dotnet"
        mount --bind "$dotnet_dir" "$ROOT/opt/dotnet"
        mount -o remount,bind,ro "$ROOT/opt/dotnet"
    fi
fi

# 3. libvirt and QEMU from bookworm-backports; no service is started by the packages' scripts.
if [ ! -e "$ROOT/usr/sbin/policy-rc.d" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$ROOT/usr/sbin/policy-rc.d"
    chmod 755 "$ROOT/usr/sbin/policy-rc.d"
fi
# The mirror may be a dated snapshot whose Release files have expired.
if [ ! -e "$ROOT/etc/apt/apt.conf.d/99virtsnap" ]; then
    printf 'Acquire::Check-Valid-Until "false";\nAcquire::Check-Date "false";\n' >"$ROOT/etc/apt/apt.conf.d/99virtsnap"
fi
if [ ! -e "$ROOT/etc/apt/sources.list.d/backports.list" ]; then
    say "adding bookworm-backports to the chroot's apt sources"
    echo "deb $(host_mirror) bookworm-backports main" >"$ROOT/etc/apt/sources.list.d/backports.list"
fi
missing=()
for p in "${PACKAGES[@]}"; do
    in_root dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
    # QEMU's package chgrps /dev/kvm to the chroot's kvm group (another number than the host's): put it back.
    kvm_owner=$(stat -c %g:%a /dev/kvm 2>/dev/null || true)
    say "installing ${missing[*]} from bookworm-backports in the chroot"
    in_root apt-get update -qq >/dev/null
    in_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        -t bookworm-backports "${missing[@]}" >/dev/null
    if [ -n "$kvm_owner" ] && [ "$(stat -c %g:%a /dev/kvm)" != "$kvm_owner" ]; then
        say "giving /dev/kvm back to the host's group ${kvm_owner%%:*}"
        chgrp "${kvm_owner%%:*}" /dev/kvm && chmod "${kvm_owner##*:}" /dev/kvm
    fi
fi

# 4. ROOT is not a mount point: QEMU's private mount namespace cannot be set up there.
if ! grep -qE '^[[:space:]]*namespaces[[:space:]]*=' "$ROOT/etc/libvirt/qemu.conf"; then
    say "namespaces = [ ] in the chroot's qemu.conf"
    echo 'namespaces = [ ]' >>"$ROOT/etc/libvirt/qemu.conf"
fi

# /dev/kvm belongs to the host's kvm group, whose number differs from the chroot's (read both, never
# assume). libvirt probes QEMU's capabilities as root (KVM found) and then checks /dev/kvm as QEMU's user
# (KVM not usable to the chroot's kvm group): it would throw its capabilities away and probe QEMU again
# on every domain start and restore, about a minute each. So QEMU's user inside joins a group with the
# host's number.
restart_libvirtd=
if [ -e /dev/kvm ]; then
    kvm_gid=$(stat -c %g /dev/kvm)
    if ! in_root id -G libvirt-qemu | tr ' ' '\n' | grep -qx "$kvm_gid"; then
        group=$(in_root getent group "$kvm_gid" | cut -d: -f1 || true)
        if [ -z "$group" ]; then
            group=host-kvm
            in_root groupadd -g "$kvm_gid" "$group"
        fi
        say "adding the chroot's libvirt-qemu to group $group ($kvm_gid, the host's /dev/kvm group)"
        in_root usermod -a -G "$group" libvirt-qemu
        restart_libvirtd=1
    fi
fi

# 5. The chroot's own daemons, told apart from the host's by their root directory.
running_in_root() { # NAME
    local pid
    for pid in $(pgrep -x "$1" || true); do
        [ "$(readlink "/proc/$pid/root" 2>/dev/null)" = "$ROOT" ] && return 0
    done
    return 1
}
start_in_root() { # NAME PIDFILE SOCKET...
    local name=$1 pidfile=$2; shift 2
    running_in_root "$name" && return 0
    say "starting the chroot's $name"
    rm -f "$ROOT$pidfile" "${@/#/$ROOT}"
    in_root "$name" -d
}
if [ -n "$restart_libvirtd" ]; then
    for pid in $(pgrep -x libvirtd || true); do
        if [ "$(readlink "/proc/$pid/root" 2>/dev/null)" = "$ROOT" ]; then
            say "restarting the chroot's libvirtd (QEMU's groups changed)"
            kill "$pid"
            for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        fi
    done
fi
start_in_root virtlogd /run/virtlogd.pid /run/libvirt/virtlogd-sock /run/libvirt/virtlogd-admin-sock
start_in_root libvirtd /run/libvirtd.pid /run/libvirt/libvirt-sock /run/libvirt/libvirt-sock-ro /run/libvirt/libvirt-admin-sock

for _ in $(seq 1 60); do
    if version=$(virsh -q -c "$URI" version 2>/dev/null); then
        if [ "${1:-}" = --print-uri ]; then echo "$URI"; fi
        exit 0
    fi
    sleep 0.5
done
echo "setup-stack2: $URI did not answer within 30 s" >&2
exit 1
