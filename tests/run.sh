#!/usr/bin/env bash
# README's test command: prepares the host (as root), builds the test guest, runs every test, then the CLI
# tests a second time against the NativeAOT binary.
# Ends with one line "tests: N passed, N failed, N skipped" summed over all test projects.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" -eq 0 ]; then native/setup-host.sh; else sudo native/setup-host.sh; fi
# The second stack (libvirt 11.3 + QEMU 10.0 in a chroot): every VM test also runs there.
if [ "$(id -u)" -eq 0 ]; then native/setup-stack2.sh; else sudo native/setup-stack2.sh; fi
# Its daemon over qemu+ssh and qemu+tcp on loopback: the remote tests.
if [ "$(id -u)" -eq 0 ]; then native/setup-remote.sh; else sudo native/setup-remote.sh; fi
if [ "$(id -u)" -eq 0 ]; then native/setup-remote-host.sh; else sudo native/setup-remote-host.sh; fi
if [ -x native/build-guest.sh ]; then native/build-guest.sh; fi

results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT
status=0
dotnet build Snapshot.sln -c Release -warnaserror
# One test assembly at a time: their TCG guests would otherwise compete for two cores.
dotnet test Snapshot.sln -c Release --no-build -m:1 --logger "trx" --results-directory "$results" "$@" || status=$?

# Native pass: the CLI tests again, against the NativeAOT binary (VIRTSNAP_CLI, honoured by the tests' runner),
# so that a trim or AOT break fails the tests and not a user. The bad-input corpus runs in the first pass only:
# its test:///default domain lives in the test process, which a separate virt-snap process cannot see. The kill
# tests too: they test the journal and recovery, the same code in both builds, and take minutes a pass. On the
# second stack only what runs other code there (instant snapshots: QEMU 10 opens the file and keeps the guest
# paused) and virsh's output compared byte for byte: the rest of its VM tests ran in the first pass, on the same
# engine, and a trim or AOT break shows on the first stack.
native=artifacts/native/virt-snap
rm -rf "$(dirname "$native")"
dotnet publish src/Snapshot.Cli -c Release -r linux-x64 -warnaserror -o "$(dirname "$native")" -nologo
[ -x "$native" ] || { echo "tests: no NativeAOT binary at $native" >&2; exit 1; }
VIRTSNAP_CLI="$PWD/$native" dotnet test tests/Snapshot.Cli.Tests -c Release --no-build --logger "trx;LogFilePrefix=native" \
    --filter 'FullyQualifiedName!~Snapshot.Cli.Tests.BadInput.BadInputCorpusTests&FullyQualifiedName!~Snapshot.Cli.Tests.KillRecoveryTests&FullyQualifiedName!~Snapshot.Cli.Tests.KeepCurrentKillTests&FullyQualifiedName!~Snapshot.Cli.Tests.DeleteKillRecoveryTests&FullyQualifiedName!~Snapshot.Cli.Tests.DeleteKillInsideMergeTests&FullyQualifiedName!~Snapshot.Cli.Tests.GroupCreateKillTests&(DisplayName!~stack2-backports|FullyQualifiedName~Instant|FullyQualifiedName~Snapshot.Cli.Tests.VirshComparisonTests)' --results-directory "$results" "$@" || status=$?

passed=0 failed=0 skipped=0
for trx in "$results"/*.trx; do
    [ -e "$trx" ] || continue
    counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
    get() { echo "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*'; }
    passed=$((passed + $(get passed)))
    failed=$((failed + $(get failed)))
    skipped=$((skipped + $(get notExecuted)))
done
echo "tests: $passed passed, $failed failed, $skipped skipped"
[ "$passed" -gt 0 ] || { echo "tests: none ran" >&2; exit 1; }
exit "$status"
