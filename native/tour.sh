#!/usr/bin/env bash
# README's main job: prepares the host (as root), builds the test guest, and runs the tour of
# virt-snap on it: an instant snapshot of a busy guest, the guest running on, a revert, and the
# guest back at the snapshot's sequence number.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" -eq 0 ]; then native/setup-host.sh; else sudo native/setup-host.sh; fi
native/build-guest.sh >/dev/null
exec dotnet run -c Release --project tests/Snapshot.Tour
