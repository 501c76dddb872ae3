#!/usr/bin/env bash
# The sweep drills of docs/reliability.md ("Sweeps under faults"), with the real ./bfa:
#   killed      a local sweep's process is killed (SIGKILL) in the middle of a cell: sweep status
#               shows the cell interrupted and the next one pending; two `sweep --resume` started at
#               once: one runs, the other is refused (exit 4) and runs nothing; the cells end as in a
#               sweep that never stopped (scripts/drill-common.sh)
#   disk full   the disk (a 60 MB tmpfs; root only) fills up during a sweep's second cell: that cell
#               fails (exit 4), the third never starts, the sweep stops with exit 4 and one line
#               saying what to do; the first cell is intact, no *.tmp is left; after freeing space
#               `sweep --resume` ends every cell as in a sweep that never stopped
#   slurm       (when a Slurm cluster answers: scripts/slurm-local.sh up) one array task is cancelled
#               (scancel) and another exceeds its time limit: both show as interrupted, with Slurm's
#               reason, and `sweep --resume --executor slurm` finishes them from their checkpoints,
#               as a sweep that never stopped
# Prints one line per check and exits non-zero at the first that fails.
#
#   scripts/sweep-drill.sh                 uses data/ (run ./bfa fetch first)
#   DATA=/path/to/data scripts/sweep-drill.sh
#   PARTS="killed slurm" scripts/sweep-drill.sh   some of the parts (default: killed disk slurm)
set -euo pipefail

ROOT=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd -P)
DATA=${DATA:-$ROOT/data}
PARTS=${PARTS:-killed disk slurm}
cd "$ROOT"
for name in mnist fashion-mnist; do
    [[ -d $DATA/$name ]] || { echo "sweep-drill: $DATA/$name missing; run ./bfa fetch" >&2; exit 2; }
done
# shellcheck source=scripts/drill-common.sh
source "$ROOT/scripts/drill-common.sh"

work=$(mktemp -d "${TMPDIR:-/tmp}/bfa-sweep-drill.XXXXXX")
disk=$work/disk
mkdir "$disk"
jobs_to_stop=()
slurm_job=
cleanup() {
    stop_jobs ${jobs_to_stop[@]+"${jobs_to_stop[@]}"}
    if [[ -n $slurm_job ]]; then
        # Its tasks write under $work until they end: wait for that (KillWait is seconds) before removing it.
        scancel "$slurm_job" 2> /dev/null || true
        for _ in {1..60}; do
            [[ -z $(squeue -h -j "$slurm_job" 2> /dev/null) ]] && break
            sleep 1
        done
    fi
    remove_drill "$disk" "$work"
}
trap cleanup EXIT
build=$(./bfa --version 2>&1) || { echo "sweep-drill: ./bfa does not run: $build" >&2; exit 1; }

start=$SECONDS
fail() { echo "sweep-drill: FAIL: $*" >&2; exit 1; }
# An array, not a function: started with &, $! is then the pid that becomes the JVM (./bfa execs it).
sweep=(./bfa sweep --data-dir "$DATA" --quiet)
# stderr without the JDK's notice about the Vector API's incubator module
errors() { grep -v '^WARNING: Using incubator modules' "$1" || true; }
# wait_for FILE PID WHAT: until FILE exists, failing if PID ends first
wait_for() {
    until [[ -e $1 ]]; do
        kill -0 "$2" 2> /dev/null || fail "$3: ended before $1 appeared"
        sleep 0.02
    done
}
# status_line DIR CELL: the cell's line of bfa sweep status, spaces squeezed
status_line() { ./bfa sweep status "$1" 2> /dev/null | tr -s ' ' | grep "^$2 " || true; }
want() { [[ " $PARTS " == *" $1 "* ]]; }
skipped=()
same_cells() {
    local dir=$1 cell result
    shift
    for cell in "$@"; do
        result=$(same_run "$work/whole/runs/$cell" "$dir/runs/$cell") || fail "$result"
    done
}

# Each cell: width 128 (model.ckpt 5.0 MiB), 600 steps, a checkpoint every 100; one core each.
grid=(--width 128 --steps 600 --eval-every 25 --checkpoint-every 100 --jobs 1 --threads 1)
# The sweep that never stops, to compare with, trains meanwhile on the other core.
if want killed || want disk; then
    "${sweep[@]}" --out "$work/whole" --seed 1..3 "${grid[@]}" > /dev/null 2> "$work/whole.err" & whole=$!
    jobs_to_stop+=("$whole")
fi

# killed
if want killed; then
    "${sweep[@]}" --out "$work/killed" --seed 1,2 "${grid[@]}" > /dev/null 2> "$work/killed.err" & pid=$!
    jobs_to_stop+=("$pid")
    wait_for "$work/killed/runs/seed=1/model.ckpt" "$pid" "killed"
    kill -KILL "$pid"
    wait "$pid" 2> /dev/null || true
    line=$(status_line "$work/killed" "seed=1")
    [[ $line == "seed=1 interrupted "*" its process ended without recording an outcome (killed?) ["*"]" ]] \
        || fail "killed: seed=1's status: $line"
    [[ $(status_line "$work/killed" "seed=2") == "seed=2 pending 0/600 (0%) " ]] \
        || fail "killed: seed=2's status: $(status_line "$work/killed" "seed=2")"
    echo "killed: sweep status says: ${line//$work/\$WORK}"
    "${sweep[@]}" --resume "$work/killed" > "$work/first.out" 2> "$work/first.err" & first=$!
    "${sweep[@]}" --resume "$work/killed" > "$work/second.out" 2> "$work/second.err" & second=$!
    jobs_to_stop+=("$first" "$second")
    rc1=0 rc2=0
    wait "$first" || rc1=$?
    wait "$second" || rc2=$?
    # The one that locked the sweep first runs it; the other is refused, or (if it started only after
    # the first had finished) finds nothing left to run.
    if ((rc1 == 4)); then refused=first; elif ((rc2 == 4)); then refused=second; else refused=; fi
    if [[ -n $refused ]]; then
        ((rc1 + rc2 == 4)) || fail "concurrent resume: exit codes $rc1 and $rc2"
        msg=$(errors "$work/$refused.err")
        [[ $msg == "bfa sweep: $work/killed: another bfa sweep is running this sweep's cells here; see bfa sweep status $work/killed" ]] \
            || fail "concurrent resume: the refused one said: $msg"
        echo "killed: two resumes at once: one ran, the other exit 4: ${msg//$work/\$WORK}"
    else
        ((rc1 == 0 && rc2 == 0)) || fail "concurrent resume: exit codes $rc1 and $rc2: $(errors "$work/first.err") $(errors "$work/second.err")"
        grep -q ": 2 done, 0 to run" "$work/first.err" "$work/second.err" \
            || fail "concurrent resume: both ran cells"
        echo "killed: two resumes at once: one ran, the other found nothing left to run"
    fi
    [[ $(cat "$work/killed/runs/seed=1/metrics.csv" | cut -d, -f1 | sort | uniq -d) == "" ]] \
        || fail "killed: seed=1's metrics.csv has a step twice"
    wait "$whole" || fail "the sweep to compare with failed: $(errors "$work/whole.err")"
    same_cells "$work/killed" "seed=1" "seed=2"
    echo "killed: resumed; seed=1 and seed=2 as in the sweep that never stopped (model memory, metrics)"
fi

# disk full (root: a tmpfs)
if ! want disk; then
    :
elif ((EUID != 0)); then
    echo "disk full: skipped (needs root for its tmpfs)"
    skipped+=("disk full")
else
    mount -t tmpfs -o size=60m bfa-sweep-drill "$disk"
    "${sweep[@]}" --out "$disk/full" --seed 1..3 "${grid[@]}" > /dev/null 2> "$work/full.err" & pid=$!
    jobs_to_stop+=("$pid")
    wait_for "$disk/full/runs/seed=2/model.ckpt" "$pid" "disk full"
    # Leave 1 MiB: room for metrics rows and status files, not for a checkpoint.
    fallocate -l $(($(df -B1 --output=avail "$disk" | tail -n1) - 1024 * 1024)) "$disk/filler"
    rc=0
    wait "$pid" || rc=$?
    err=$(errors "$work/full.err")
    ((rc == 4)) || fail "disk full: exit $rc, expected 4: $err"
    last=$(tail -n1 <<< "$err")
    [[ $last == "bfa sweep: stopped: cell seed=2 could not write its files; 1 of 3 cells done and kept; "*"; free some space, then continue with: bfa sweep --resume $disk/full" ]] \
        || fail "disk full: unexpected last line: $last"
    grep -q "^bfa sweep: cell seed=2 failed (exit code 4): cannot write $disk/full/runs/seed=2/model.ckpt at step 600 " <<< "$err" \
        || fail "disk full: seed=2's failure not reported: $err"
    left=$(find "$disk" -name '*.tmp')
    [[ -z $left ]] || fail "disk full: left $left"
    [[ ! -e $disk/full/runs/seed=3 ]] || fail "disk full: seed=3 started"
    [[ $(status_line "$disk/full" "seed=2") == "seed=2 failed "*" 4: cannot write "* ]] \
        || fail "disk full: seed=2's status: $(status_line "$disk/full" "seed=2")"
    [[ $(status_line "$disk/full" "seed=3") == "seed=3 pending "* ]] \
        || fail "disk full: seed=3's status: $(status_line "$disk/full" "seed=3")"
    wait "$whole" 2> /dev/null || true   # reaped already when the killed part ran
    same_cells "$disk/full" "seed=1"
    echo "disk full: exit 4, seed=3 not started, no *.tmp, seed=1 intact: ${last//$disk/\$DISK}"
    rm "$disk/filler"
    rc=0
    "${sweep[@]}" --resume "$disk/full" > /dev/null 2> "$work/full-resumed.err" || rc=$?
    ((rc == 0)) || fail "disk full: resumed: exit $rc: $(errors "$work/full-resumed.err")"
    same_cells "$disk/full" "seed=1" "seed=2" "seed=3"
    echo "disk full: resumed after freeing space; every cell as in the sweep that never stopped"
fi

# slurm
if ! want slurm; then
    echo "sweep-drill: PASS ($((SECONDS - start)) s${skipped[*]+; skipped: ${skipped[*]}})"
    exit 0
fi
if ! command -v sbatch > /dev/null || ! scontrol ping > /dev/null 2>&1; then
    echo "slurm: skipped (no Slurm cluster answers; scripts/slurm-local.sh up starts one)"
    skipped+=("slurm")
    echo "sweep-drill: PASS ($((SECONDS - start)) s; skipped: ${skipped[*]})"
    exit 0
fi
# steps=2000 is cancelled at its first checkpoint; steps=40000 runs past its one-minute limit (Slurm
# enforces limits every 30 s or so: it ends between 60 and 90 s).
sgrid=(--steps 2000,40000 --width 128 --eval-every 500 --checkpoint-every 100 --seed 1 --threads 1)
"${sweep[@]}" --out "$work/slurm-whole" "${sgrid[@]}" --jobs 1 > /dev/null 2> "$work/slurm-whole.err" & whole=$!
jobs_to_stop+=("$whole")
out=$("${sweep[@]}" --out "$work/slurm" "${sgrid[@]}" --executor slurm --slurm-opt=--time=1 2> "$work/slurm.err") \
    || fail "slurm: submission failed: $(errors "$work/slurm.err")"
slurm_job=$(sed -n 's/^sweep: submitted 2 cells as Slurm job \([0-9]*\);.*/\1/p' <<< "$out")
[[ -n $slurm_job ]] || fail "slurm: no job id in: $out"
deadline=$((SECONDS + 120))
until [[ -e $work/slurm/runs/steps=2000/model.ckpt ]]; do
    ((SECONDS < deadline)) || fail "slurm: no checkpoint of steps=2000 after 120 s: $(cat "$work"/slurm/slurm/*.out 2> /dev/null)"
    sleep 0.05
done
scancel "${slurm_job}_0"
# task_state TASK: Slurm's state of one array task
task_state() { scontrol -o show job "$1" | sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p'; }
deadline=$((SECONDS + 240))
while [[ $(task_state "${slurm_job}_0") == RUNNING || $(task_state "${slurm_job}_1") =~ ^(RUNNING|PENDING|COMPLETING)$ ]]; do
    ((SECONDS < deadline)) || fail "slurm: tasks still $(task_state "${slurm_job}_0") / $(task_state "${slurm_job}_1") after 240 s"
    sleep 1
done
[[ $(task_state "${slurm_job}_1") == TIMEOUT ]] || fail "slurm: task 1 ended $(task_state "${slurm_job}_1"), expected TIMEOUT"
cancelled=$(status_line "$work/slurm" "steps=2000")
timed_out=$(status_line "$work/slurm" "steps=40000")
[[ $cancelled == "steps=2000 interrupted "*"Slurm: CANCELLED"* ]] || fail "slurm: the cancelled cell's status: $cancelled"
[[ $timed_out == "steps=40000 interrupted "*"Slurm: TIMEOUT"* ]] || fail "slurm: the timed-out cell's status: $timed_out"
echo "slurm: cancelled: ${cancelled//$work/\$WORK}"
echo "slurm: time limit: ${timed_out//$work/\$WORK}"
out=$("${sweep[@]}" --resume "$work/slurm" --executor slurm 2> "$work/slurm-resumed.err") \
    || fail "slurm: resubmission failed: $(errors "$work/slurm-resumed.err")"
slurm_job=$(sed -n 's/^sweep: submitted 2 cells as Slurm job \([0-9]*\);.*/\1/p' <<< "$out")
[[ -n $slurm_job ]] || fail "slurm: the resumed sweep did not submit both cells: $out"
# squeue, not bfa sweep status, to wait: a JVM started every few seconds would slow the cells down.
deadline=$((SECONDS + 1800))
until [[ -z $(squeue -h -j "$slurm_job") ]]; do
    ((SECONDS < deadline)) || fail "slurm: not done after 1800 s: $(./bfa sweep status "$work/slurm" 2>&1)"
    sleep 2
done
slurm_job=
./bfa sweep status "$work/slurm" 2> /dev/null | grep -q '^2 cells: 2 done$' \
    || fail "slurm: the resumed tasks ended, but: $(./bfa sweep status "$work/slurm" 2>&1)"
wait "$whole" || fail "the Slurm sweep to compare with failed: $(errors "$work/slurm-whole.err")"
for cell in steps=2000 steps=40000; do
    result=$(same_run "$work/slurm-whole/runs/$cell" "$work/slurm/runs/$cell") || fail "slurm: $result"
done
echo "slurm: resumed as a job array; both cells as in the sweep that never stopped"
echo "sweep-drill: PASS ($((SECONDS - start)) s${skipped[*]+; skipped: ${skipped[*]}})"
