#!/usr/bin/env bash
# The training-step JMH table of docs/performance.md ("How to measure"): TrainStepBenchmark (every
# mode, 1 and 2 threads, the step and its GEMMs alone, with JMH's gc profiler), then the table.
# Takes about 35 minutes on 2 cores; run it on an otherwise idle machine.
#   bench/train-step-report.sh [OUT_DIR]      (default target/train-step-report)
set -euo pipefail
cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.."
out=${1:-target/train-step-report}
mkdir -p "$out"
./bfa bench TrainStepBenchmark -f 2 -wi 20 -w 3 -i 5 -r 2 -prof gc -rf json -rff "$out/jmh-train-step.json"
python3 bench/train_step_report.py "$out/jmh-train-step.json" | tee "$out/table.md"
