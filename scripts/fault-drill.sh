#!/usr/bin/env bash
# The fault drill of docs/reliability.md, at the shapes of ./bfa train (extra options pass through):
#   whole        trained without interruption
#   killed       SIGKILL after the first checkpoint and one more evaluation row, then --resume
#   torn         SIGKILL while the second checkpoint is half-written (test hook), then --resume
#   interrupted  SIGINT (Ctrl-C) after the first checkpoint, then --resume
# Each resumed run is compared with whole: the model memory in model.ckpt byte for byte (the
# header differs only in its wall-clock fields, and so the checksum), and metrics.csv in every column
# but the last two (examples/s and elapsed seconds).
#
#   scripts/fault-drill.sh                      # 200 steps, evaluation every 25, checkpoint every 50
#   STEPS=40 EVAL_EVERY=5 CHECKPOINT_EVERY=10 scripts/fault-drill.sh --width 64
set -euo pipefail
# Job control: without it a non-interactive shell starts background jobs with SIGINT ignored, and
# the JVM, as POSIX asks, then leaves SIGINT ignored too (the Ctrl-C step would test nothing).
set -m
cd "$(dirname "$0")/.."
out=${OUT:-runs/fault-drill-$(date +%Y%m%d-%H%M%S)}
steps=${STEPS:-200}
every=${EVAL_EVERY:-25}
ckpt=${CHECKPOINT_EVERY:-50}
args=(train --steps "$steps" --eval-every "$every" --checkpoint-every "$ckpt" --quiet "$@")
mkdir -p "$out"

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f s", b - a }'; }
rows() { if [[ -f $1/metrics.csv ]]; then wc -l < "$1/metrics.csv"; else echo 0; fi; }
wait_for() { until eval "$1"; do sleep 0.1; done; }

# shellcheck source=scripts/drill-common.sh
source scripts/drill-common.sh
compare() { same_run "$out/whole" "$1"; }

t=$(now)
./bfa "${args[@]}" --out "$out/whole"
echo "whole: $(since "$t")"

./bfa "${args[@]}" --out "$out/killed" & pid=$!
wait_for "[[ -f $out/killed/model.ckpt ]]"
r=$(rows "$out/killed")
wait_for "(( \$(rows $out/killed) > r ))"
kill -KILL "$pid"
wait "$pid" || echo "killed: exit $? (SIGKILL)"
t=$(now)
./bfa train --resume "$out/killed" --quiet "$@"
echo "killed: resumed run took $(since "$t")"
compare "$out/killed"

pause=$((2 * ckpt))
BFA_JAVA_OPTS="-Dbfa.test.pauseCheckpointAtStep=$pause" ./bfa "${args[@]}" --out "$out/torn" 2> "$out/torn.log" & pid=$!
wait_for "grep -q 'paused writing the checkpoint of step $pause' $out/torn.log"
kill -KILL "$pid"
wait "$pid" || echo "torn: exit $? (SIGKILL in the write of step $pause; $(stat -c %s "$out/torn/model.ckpt.tmp") bytes of it on disk)"
t=$(now)
./bfa train --resume "$out/torn" --quiet "$@"
echo "torn: resumed run took $(since "$t")"
compare "$out/torn"

./bfa "${args[@]}" --out "$out/interrupted" & pid=$!
wait_for "[[ -f $out/interrupted/model.ckpt ]]"
t=$(now)
kill -INT "$pid"
rc=0
wait "$pid" || rc=$?
echo "interrupted: exit $rc, $(since "$t") from SIGINT to exit"
(( rc == 130 )) || { echo "interrupted: expected exit code 130"; exit 1; }
t=$(now)
./bfa train --resume "$out/interrupted" --quiet "$@"
echo "interrupted: resumed run took $(since "$t")"
compare "$out/interrupted"

echo "fault-drill: PASS ($SECONDS s)"
