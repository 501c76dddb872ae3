#!/usr/bin/env bash
# The GEMM table of docs/performance.md in one run: the FMA peak (bench/fma_peak.c, before, between
# and after the others), bfa on 1 and 2 threads and netlib-java's Vector API sgemm (JMH), OpenBLAS
# through numpy under every core type (one thread; each kernel set that loads measured once), then
# bfa and the fastest kernel set taking turns (one thread), then the table (bench/gemm_report.py):
# medians with min-max, % of peak, bfa over the best OpenBLAS, both from the separate runs and in pairs.
# The full run took 22 minutes on 2 busy cores; --quick measures 128 x 1024 x {1024, 3072} only,
# in about 6. Run it on an otherwise idle machine.
#   bench/gemm-report.sh [--quick] [OUT_DIR]      (default target/gemm-report)
set -euo pipefail
cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.."
shapes=()
blas_shapes=(--shapes "$(printf '128x%sx%s,' 784 784 784 1024 784 3072 1024 784 1024 1024 1024 3072 3072 784 3072 1024 3072 3072)")
if [[ ${1:-} == --quick ]]; then
    shift
    shapes=(-p n=1024 -p k=1024,3072)
    blas_shapes=(--shapes 128x1024x1024,128x1024x3072,)
fi
out=${1:-target/gemm-report}
mkdir -p "$out"
coretypes=SkylakeX,Cooperlake,SapphireRapids,Haswell,Zen
# Half-second iterations: the median of 8 per shape moves less than the machine's drift does.
jmh_opts=(-wi 2 -w 500ms -i 4 -r 500ms -rf json)

gcc -O2 -o "$out/fma_peak" bench/fma_peak.c
"$out/fma_peak" | tee "$out/peak-1.txt"
./bfa bench 'GemmBenchmark' -f 2 "${jmh_opts[@]}" ${shapes[@]+"${shapes[@]}"} -rff "$out/jmh-bfa.json"
"$out/fma_peak" | tee "$out/peak-2.txt"
# netlib-java is the slowest and the least in question: one fork.
./bfa bench 'NetlibGemmBenchmark' -f 1 "${jmh_opts[@]}" ${shapes[@]+"${shapes[@]}"} -rff "$out/jmh-netlib.json"
OPENBLAS_NUM_THREADS=1 python3 bench/openblas_sgemm.py --threads 1 --coretypes "$coretypes" --repeats 8 \
    --min-time 0.2 "${blas_shapes[@]}" --json "$out/openblas-1t.json" > "$out/openblas-1t.log"
grep -E '^# OPENBLAS_CORETYPE' "$out/openblas-1t.log"
"$out/fma_peak" | tee "$out/peak-3.txt"
# Runs minutes apart see the shared machine at different speeds; taking turns with bfa, shape by
# shape, the fastest kernel set gives the ratio that drift does not distort.
best=$(python3 -c 'import json, statistics, sys
sets = json.load(open(sys.argv[1]))["coretypes"]
print(max(sets, key=lambda s: statistics.median(r["gflops_median"] for r in s["results"]))["requested"][0])' \
    "$out/openblas-1t.json")
OPENBLAS_CORETYPE=$best OPENBLAS_NUM_THREADS=1 python3 bench/openblas_sgemm.py --paired --repeats 7 --min-time 0.2 \
    "${blas_shapes[@]}" --json "$out/paired-1t.json" > "$out/paired-1t.log"
python3 - "$out" <<'PY'
import json, sys
out = sys.argv[1]
json.dump(json.load(open(f"{out}/jmh-bfa.json")) + json.load(open(f"{out}/jmh-netlib.json")),
          open(f"{out}/jmh.json", "w"))
PY
python3 bench/gemm_report.py --paired "$out/paired-1t.json" "$out/jmh.json" "$out/openblas-1t.json" "$out"/peak-*.txt | tee "$out/table.md"
