#!/usr/bin/env bash
# bfa's training step against the same step in PyTorch on the CPU (bench/torch_step.py), in turns:
# for each mode and thread count, bfa's TrainStepBenchmark.step (one JMH fork, after the warm-up C2
# needs) and PyTorch's step take ROUNDS turns each, one after the other, so that each pair of
# turns lands in one stretch of the shared machine. Needs PyTorch for the system's python3
# (Debian: apt-get install python3-torch) and an optimised BLAS behind it (libopenblas0-openmp;
# without one Debian's torch calls the reference BLAS). About 15 minutes with the defaults.
#   bench/torch-step-report.sh [OUT_DIR]      (default target/torch-step-report)
# Environment: MODES (default "fa bp"), THREADS (default "1 2"), ROUNDS (default 2).
set -euo pipefail
cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.."
out=${1:-target/torch-step-report}
mkdir -p "$out"
python=${PYTHON:-/usr/bin/python3}
"$python" -c 'import torch' 2>/dev/null || {
    echo "torch-step-report: $python has no PyTorch (Debian: apt-get install python3-torch)" >&2
    exit 2
}
for mode in ${MODES:-fa bp}; do
    for threads in ${THREADS:-1 2}; do
        for round in $(seq 1 "${ROUNDS:-2}"); do
            ./bfa bench 'TrainStepBenchmark.step$' -p mode="$mode" -p threads="$threads" -f 1 -wi 12 -w 3 -i 4 -r 2 \
                -rf json -rff "$out/bfa-$mode-$threads-$round.json" > "$out/bfa-$mode-$threads-$round.log"
            "$python" bench/torch_step.py --mode "$mode" --threads "$threads" --rounds 20 \
                > "$out/torch-$mode-$threads-$round.json"
            python3 - "$out" "$mode" "$threads" "$round" <<'PY'
import json, statistics, sys
out, mode, threads, rnd = sys.argv[1:]
bfa = json.load(open(f"{out}/bfa-{mode}-{threads}-{rnd}.json"))[0]["primaryMetric"]
torch = json.load(open(f"{out}/torch-{mode}-{threads}-{rnd}.json"))
bfa_median = statistics.median(x for it in bfa["rawData"] for x in it)
print(f"{mode} {threads}T turn {rnd}: bfa {bfa_median:.2f} steps/s, PyTorch {torch['median_steps_per_s']:.2f} "
      f"(quartiles {torch['quartiles'][0]:.2f}-{torch['quartiles'][1]:.2f}), bfa/PyTorch {bfa_median / torch['median_steps_per_s']:.2f}")
PY
        done
    done
done | tee "$out/summary.txt"
