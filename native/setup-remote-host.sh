#!/usr/bin/env bash
# The host's own daemon (stack 1: libvirt 9.0, QEMU 7.2) behind the same loopback sshd as the second stack
# (native/setup-remote.sh): the host's /run/libvirt bind-mounted into the chroot at /run/host-libvirt, so that
# qemu+ssh://root@127.0.0.1:2217/system?socket=/run/host-libvirt/libvirt-sock reaches it. The tests of a remote
# connection to a QEMU older than 8.2 (an instant snapshot refused) use it. Root, idempotent, one line per change.
set -euo pipefail

[ "$(id -u)" -eq 0 ] || { echo "setup-remote-host: must run as root" >&2; exit 1; }
ROOT=${VIRTSNAP_STACK2_ROOT:-/var/lib/virt-snap/stack2}
[ -d "$ROOT/run" ] || { echo "setup-remote-host: no second stack in $ROOT (run native/setup-stack2.sh)" >&2; exit 1; }
mkdir -p "$ROOT/run/host-libvirt"
if ! mountpoint -q "$ROOT/run/host-libvirt"; then
    echo "setup-remote-host: bind-mounting the host's /run/libvirt at $ROOT/run/host-libvirt"
    mount --bind /run/libvirt "$ROOT/run/host-libvirt"
fi
