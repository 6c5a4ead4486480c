#!/usr/bin/env bash
# The remote transports of the tests, on loopback only: the second stack's libvirtd (native/setup-stack2.sh) also
# listens on TCP (127.0.0.1:16519, auth none), and an sshd of Debian's openssh-server runs inside its chroot
# (127.0.0.1:2217, key authentication only, with a key made here), so that qemu+tcp:// and qemu+ssh:// reach a
# hypervisor whose files are only on its side. No systemd: the daemons are started by this script. Idempotent: a
# second run changes nothing; it starts what is not running. Run as root, after native/setup-stack2.sh.
# Writes STATE/known_hosts (the chroot's host key, for libssh's known_hosts=) and STATE/id_ed25519 (keyfile=).
set -euo pipefail

[ "$(id -u)" -eq 0 ] || { echo "setup-remote: must run as root" >&2; exit 1; }

ROOT=${VIRTSNAP_STACK2_ROOT:-/var/lib/virt-snap/stack2}
STATE=${VIRTSNAP_REMOTE_STATE:-/var/lib/virt-snap/remote}
TCP_PORT=16519
SSH_PORT=2217
# The remote guests' images: a directory inside the chroot only (never on the host), so a local access fails.
IMAGES=/var/lib/virtsnap-remote
PACKAGES=(openssh-server netcat-openbsd)
say() { echo "setup-remote: $*"; }
in_root() { chroot "$ROOT" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 "$@"; }
[ -x "$ROOT/usr/sbin/libvirtd" ] || { echo "setup-remote: no second stack in $ROOT (run native/setup-stack2.sh)" >&2; exit 1; }

# 1. sshd and nc inside the chroot, from its Debian sources; no service started by the packages.
missing=()
for p in "${PACKAGES[@]}"; do
    in_root dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
    say "installing ${missing[*]} in the chroot"
    in_root apt-get update -qq >/dev/null
    in_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
command -v ssh >/dev/null || { echo "setup-remote: no ssh client on the host (openssh-client)" >&2; exit 1; }

# 2. The client's key and the chroot's host key, the latter written as known_hosts for 127.0.0.1:SSH_PORT.
mkdir -p "$STATE"
chmod 700 "$STATE"
if [ ! -s "$STATE/id_ed25519" ]; then
    say "making the client key $STATE/id_ed25519"
    rm -f "$STATE/id_ed25519" "$STATE/id_ed25519.pub"
    ssh-keygen -q -t ed25519 -N '' -C virt-snap-tests -f "$STATE/id_ed25519"
fi
if [ ! -s "$ROOT/etc/ssh/ssh_host_ed25519_key" ]; then
    say "making the chroot's host keys"
    in_root ssh-keygen -A >/dev/null
fi
known="[127.0.0.1]:$SSH_PORT $(cut -d' ' -f1,2 "$ROOT/etc/ssh/ssh_host_ed25519_key.pub")"
if [ "$(cat "$STATE/known_hosts" 2>/dev/null)" != "$known" ]; then
    say "writing $STATE/known_hosts"
    echo "$known" >"$STATE/known_hosts"
fi
if ! cmp -s "$STATE/id_ed25519.pub" "$ROOT/etc/ssh/virtsnap_authorized_keys"; then
    say "authorizing the client key for the chroot's root"
    install -m 600 "$STATE/id_ed25519.pub" "$ROOT/etc/ssh/virtsnap_authorized_keys"
fi
config=/etc/ssh/sshd_virtsnap_config
cat >"$ROOT$config.new" <<CONF
# native/setup-remote.sh: loopback only, keys only.
ListenAddress 127.0.0.1
Port $SSH_PORT
HostKey /etc/ssh/ssh_host_ed25519_key
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
AuthorizedKeysFile /etc/ssh/virtsnap_authorized_keys
PidFile /run/sshd-virtsnap.pid
AllowTcpForwarding no
X11Forwarding no
CONF
restart_sshd=
if ! cmp -s "$ROOT$config.new" "$ROOT$config"; then mv "$ROOT$config.new" "$ROOT$config"; restart_sshd=1; else rm "$ROOT$config.new"; fi
mkdir -p "$ROOT/run/sshd" "$ROOT$IMAGES"
chmod 755 "$ROOT/run/sshd"
chmod 711 "$ROOT$IMAGES"

# 3. The daemons, told apart from the host's by their root directory (and sshd by its config).
pids_in_root() { # NAME
    local pid
    for pid in $(pgrep -x "$1" || true); do
        [ "$(readlink "/proc/$pid/root" 2>/dev/null)" = "$ROOT" ] && echo "$pid"
    done
    return 0
}
stop() { # PID...
    local pid
    for pid in "$@"; do
        kill "$pid" 2>/dev/null || true
        for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    done
}
sshd_pid=
for pid in $(pids_in_root sshd); do
    tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "-f $config" && [ "$(ps -o ppid= -p "$pid" | tr -d ' ')" = 1 ] && sshd_pid=$pid
done
if [ -n "$sshd_pid" ] && [ -n "$restart_sshd" ]; then say "restarting the chroot's sshd (its config changed)"; stop "$sshd_pid"; sshd_pid=; fi
if [ -z "$sshd_pid" ]; then
    say "starting the chroot's sshd on 127.0.0.1:$SSH_PORT"
    in_root /usr/sbin/sshd -f "$config"
fi

# libvirtd listens on TCP only when started with --listen; its config says where and with which auth.
conf="$ROOT/etc/libvirt/libvirtd.conf"
if ! grep -q '^# virt-snap tests: tcp on loopback' "$conf"; then
    say "tcp on 127.0.0.1:$TCP_PORT, auth none, in the chroot's libvirtd.conf"
    printf '\n# virt-snap tests: tcp on loopback\nlisten_tls = 0\nlisten_tcp = 1\nlisten_addr = "127.0.0.1"\ntcp_port = "%s"\nauth_tcp = "none"\n' "$TCP_PORT" >>"$conf"
fi
listening=
for pid in $(pids_in_root libvirtd); do
    if tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- '--listen'; then listening=1; else
        say "restarting the chroot's libvirtd with --listen (its guests keep running)"
        stop "$pid"
    fi
done
if [ -z "$listening" ]; then
    rm -f "$ROOT/run/libvirtd.pid" "$ROOT/run/libvirt/libvirt-sock" "$ROOT/run/libvirt/libvirt-sock-ro" "$ROOT/run/libvirt/libvirt-admin-sock"
    in_root libvirtd -d --listen
fi

# 4. Both transports answer.
tcp="qemu+tcp://127.0.0.1:$TCP_PORT/system"
ssh="qemu+ssh://root@127.0.0.1:$SSH_PORT/system?keyfile=$STATE/id_ed25519&no_verify=1&no_tty=1"
for uri in "$tcp" "$ssh"; do
    ok=
    for _ in $(seq 1 60); do
        if virsh -q -c "$uri" uri >/dev/null 2>&1; then ok=1; break; fi
        sleep 0.5
    done
    [ -n "$ok" ] || { echo "setup-remote: $uri did not answer within 30 s: $(virsh -q -c "$uri" uri 2>&1 | head -1)" >&2; exit 1; }
done
