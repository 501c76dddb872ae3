#!/usr/bin/env bash
# Reproduces the GEMM tables of docs/performance.md: bfa (1 and 2 threads) and netlib-java's Vector
# API sgemm in one JMH run, OpenBLAS through numpy on the same shapes, merged into one table; then
# bfa against OpenBLAS in pairs of neighbouring turns (one thread), which the machine's drift does
# not distort. Takes about 35 minutes on 2 cores; run it on an otherwise idle machine.
#   bench/gemm-report.sh [OUT_DIR]      (default target/gemm-report)
set -euo pipefail
cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.."
out=${1:-target/gemm-report}
mkdir -p "$out"
jmh_opts=(-f 2 -wi 2 -i 3 -w 1 -r 1)
./bfa bench 'GemmBenchmark|NetlibGemmBenchmark' "${jmh_opts[@]}" -rf json -rff "$out/jmh-trainer-shapes.json"
./bfa bench 'GemmBenchmark|NetlibGemmBenchmark' "${jmh_opts[@]}" -p m=1024 -p n=1024 -p k=1024 \
    -rf json -rff "$out/jmh-1024.json"
python3 - "$out" <<'PY'
import json, sys
out = sys.argv[1]
merged = json.load(open(f"{out}/jmh-trainer-shapes.json")) + json.load(open(f"{out}/jmh-1024.json"))
json.dump(merged, open(f"{out}/jmh.json", "w"))
PY
OPENBLAS_NUM_THREADS=1 python3 bench/openblas_sgemm.py --threads 1 --repeats 9 --min-time 0.3 --json "$out/openblas-1t.json"
OPENBLAS_NUM_THREADS=2 python3 bench/openblas_sgemm.py --threads 2 --repeats 9 --min-time 0.3 --json "$out/openblas-2t.json"
gcc -O2 -o "$out/fma_peak" bench/fma_peak.c && "$out/fma_peak" | tee "$out/peak.txt"
python3 bench/gemm_report.py "$out/jmh.json" "$out/openblas-1t.json" "$out/openblas-2t.json" | tee "$out/table.md"
OPENBLAS_NUM_THREADS=1 python3 bench/openblas_sgemm.py --paired --repeats 15 --min-time 0.3 \
    --json "$out/paired-1t.json" | tee "$out/paired-1t.md"
