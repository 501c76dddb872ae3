#!/usr/bin/env bash
# The disk drills of docs/reliability.md ("A full disk"), with the real ./bfa on a small tmpfs
# (root only: it mounts one, and unmounts it on exit whatever happened):
#   refused  a run whose checkpoint cannot fit is refused before training: exit 4, one line naming
#            the directory, the bytes needed and free; nothing written
#   filled   the disk fills up after the run's first checkpoint: one warning line, training goes
#            on, the last checkpoint fails with exit 4 and says what to do; no *.tmp is left, the
#            first checkpoint is kept, and --resume after freeing space ends as a run that never
#            stopped did (scripts/drill-common.sh)
# Prints one line per check and exits non-zero at the first that fails.
#
#   scripts/disk-drill.sh                 uses data/ (run ./bfa fetch first)
#   DATA=/path/to/data scripts/disk-drill.sh
set -euo pipefail

ROOT=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd -P)
DATA=${DATA:-$ROOT/data}
SIZE=60m
cd "$ROOT"
((EUID == 0)) || { echo "disk-drill: must run as root (it mounts a $SIZE tmpfs)" >&2; exit 2; }
for name in mnist fashion-mnist; do
    [[ -d $DATA/$name ]] || { echo "disk-drill: $DATA/$name missing; run ./bfa fetch" >&2; exit 2; }
done
# shellcheck source=scripts/drill-common.sh
source scripts/drill-common.sh

work=$(mktemp -d "${TMPDIR:-/tmp}/bfa-disk-drill.XXXXXX")
disk=$work/disk
mkdir "$disk"
cleanup() {
    stop_jobs ${whole:-} ${pid:-}
    remove_drill "$disk" "$work"
}
trap cleanup EXIT
# Builds the jar first if the sources changed.
build=$(./bfa --version 2>&1) || { echo "disk-drill: ./bfa does not run: $build" >&2; exit 1; }
mount -t tmpfs -o size=$SIZE bfa-disk-drill "$disk"

start=$SECONDS
fail() { echo "disk-drill: FAIL: $*" >&2; exit 1; }
bfa() { ./bfa train --data-dir "$DATA" --quiet --threads 1 "$@"; }
free_bytes() { df -B1 --output=avail "$disk" | tail -n1 | tr -d ' '; }
# stderr without the JDK's notice about the Vector API's incubator module
errors() { grep -v '^WARNING: Using incubator modules' "$1" || true; }

# refused: model.ckpt of width 1024 alone is 145 MiB
rc=0
bfa --width 1024 --steps 20 --out "$disk/refused" 2> "$work/refused.err" || rc=$?
line=$(errors "$work/refused.err")
((rc == 4)) || fail "refused: exit $rc, expected 4: $line"
[[ $(grep -c . <<< "$line") == 1 ]] || fail "refused: expected one line on stderr, got: $line"
[[ $line == "bfa train: $disk/refused: the run needs "*" of disk space ("*") but only "*" is free there; free some space or choose another --out" ]] \
    || fail "refused: unexpected message: $line"
[[ -z $(ls -A "$disk") ]] || fail "refused: left $(ls -A "$disk") on the disk"
echo "refused: exit 4, nothing written: ${line//$disk/\$DISK}"

# filled: width 128, model.ckpt 5.0 MiB; the run needs 19 MiB at the start, the disk has 60
# (The uninterrupted run to compare with trains meanwhile, on the other core.)
args=(--width 128 --steps 600 --eval-every 25 --checkpoint-every 100)
bfa "${args[@]}" --out "$work/whole" > /dev/null 2> "$work/whole.err" & whole=$!
bfa "${args[@]}" --out "$disk/filled" > /dev/null 2> "$work/filled.err" & pid=$!
until [[ -f $disk/filled/model.ckpt ]]; do
    kill -0 "$pid" 2> /dev/null || fail "filled: the run ended before its first checkpoint: $(errors "$work/filled.err")"
    sleep 0.02
done
# Leave 1 MiB: room for metrics rows, not for a checkpoint.
fallocate -l $(($(free_bytes) - 1024 * 1024)) "$disk/filler"
rc=0
wait "$pid" || rc=$?
err=$(errors "$work/filled.err")
((rc == 4)) || fail "filled: exit $rc, expected 4 (did the run end before the disk was filled?): $err"
warning=$(grep '^bfa: cannot write' <<< "$err" || true)
[[ $(grep -c . <<< "$warning") == 1 && $warning == *"; training goes on and tries again at the next checkpoint; the last good checkpoint, of step 100, is kept in $disk/filled/model.ckpt" ]] \
    || fail "filled: expected one warning for the checkpoints that failed, got: $err"
last=$(tail -n1 <<< "$err")
[[ $last == "bfa train: cannot write $disk/filled/model.ckpt at step 600 ("*" needed, only "*" free); the last good checkpoint, of step 100, is kept in $disk/filled/model.ckpt; free some space, then continue with --resume" ]] \
    || fail "filled: unexpected last line: $last"
[[ $(grep -c . <<< "$err") == 2 ]] || fail "filled: expected two lines on stderr, got: $err"
left=$(find "$disk" -name '*.tmp')
[[ -z $left ]] || fail "filled: left $left"
echo "filled: exit 4, no *.tmp left; warned: ${warning//$disk/\$DISK}"
echo "filled: then: ${last//$disk/\$DISK}"

rm "$disk/filler"
rc=0
bfa --resume "$disk/filled" > /dev/null 2> "$work/resumed.err" || rc=$?
((rc == 0)) || fail "resumed: exit $rc: $(errors "$work/resumed.err")"
grep -q "resuming $disk/filled at step 100 of 600" "$work/resumed.err" \
    || fail "resumed: not from the checkpoint of step 100: $(errors "$work/resumed.err")"
wait "$whole" || fail "the uninterrupted run failed: $(errors "$work/whole.err")"
result=$(same_run "$work/whole" "$disk/filled") || fail "resumed: $result"
echo "resumed from step 100 after freeing space: ${result//$disk/\$DISK}" | sed "s|$work|\$WORK|g"
echo "disk-drill: PASS ($((SECONDS - start)) s)"
