#!/usr/bin/env bash
# virt-snap's benchmark (issue 7): each figure beside its yardstick, measured in the same run.
# Prepares the host, the second stack (native/setup-stack2.sh) and the test guest, publishes the CLI NativeAOT (as the .deb and the linux-x64 tool ship it)
# into artifacts/bench/virt-snap,
# builds the benchmark in Release and runs it. Run as root. Options go to the benchmark:
#   native/bench.sh --quick                 0.5 GiB only, 3 runs per process figure (~5 min, both stacks)
#   native/bench.sh                         0.5, 1, 2 and 4 GiB (~15-30 min, both stacks)
#   native/bench.sh --figures list,startup  just some figures (delete: the delete cases); --json, --json-file PATH, --verbose
#   native/bench.sh --stacks stack2-backports   one stack (default both, side by side)
#   native/bench.sh --figures pauses --baseline-virt-snap PATH   five pauses in a row per size, beside another build
#   native/bench.sh --figures group         three guests snapshotted and reverted as one group, per stack
#   native/bench.sh --figures remote --sizes 512   the instant pause over qemu+ssh and qemu+tcp beside the unix socket (stack 2)
# The table goes to stdout (JSON with --json); progress to stderr.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" -eq 0 ]; then native/setup-host.sh; else sudo native/setup-host.sh; fi
if [ "$(id -u)" -eq 0 ]; then native/setup-stack2.sh; else sudo native/setup-stack2.sh; fi
# The remote figure's transports (qemu+ssh and qemu+tcp to the second stack, on loopback).
if [ "$(id -u)" -eq 0 ]; then native/setup-remote.sh; else sudo native/setup-remote.sh; fi
native/build-guest.sh >/dev/null

out=artifacts/bench
rm -rf "$out/virt-snap"
mkdir -p "$out"
echo "bench: publishing virt-snap (NativeAOT)" >&2
dotnet publish src/Snapshot.Cli -c Release -r linux-x64 -o "$out/virt-snap" -nologo -v quiet >&2
echo "bench: building the benchmark (Release)" >&2
dotnet build tests/Snapshot.Benchmarks -c Release -nologo -v quiet -o "$out/bench" >&2
# Guest RAM as a bare-metal host has it. On a virtual machine whose balloon reports free pages to its own host
# (virtio-balloon's free page reporting), that host drops every page reported and backs it again, 4 KiB at a time, when
# it is reused: QEMU's pre-fault pass over RAM reused that way took 180 ms at 4 GiB instead of 11 ms here, at random
# (docs/benchmarks.md). For the run the driver is unbound and free memory touched once; bound again at the end.
balloon=/sys/bus/virtio/drivers/virtio_balloon
unbound=()
rebind() { for dev in "${unbound[@]}"; do echo "$dev" >"$balloon/bind" || echo "bench: could not bind $dev to virtio_balloon again" >&2; done; }
trap rebind EXIT
for dev in "$balloon"/virtio*; do
    [ -e "$dev" ] || continue
    echo "$(basename "$dev")" >"$balloon/unbind" && unbound+=("$(basename "$dev")")
done
if [ ${#unbound[@]} -gt 0 ]; then
    fill_mb=$(( $(awk '/^MemAvailable:/ { print $2 }' /proc/meminfo) / 1024 - 2048 ))
    echo "bench: free page reporting off for the run (${unbound[*]} unbound from virtio_balloon); touching ${fill_mb} MiB of free memory once" >&2
    fill=$(mktemp -d)
    mount -t tmpfs -o "size=${fill_mb}m" tmpfs "$fill"
    dd if=/dev/zero of="$fill/touch" bs=1M count="$fill_mb" status=none || true
    umount "$fill"
    rmdir "$fill"
fi
dotnet "$out/bench/Snapshot.Benchmarks.dll" --virt-snap "$out/virt-snap/virt-snap" "$@"
