#!/usr/bin/env python3
"""Merge one run's GEMM measurements into the markdown tables of docs/performance.md.

Usage: python3 bench/gemm_report.py [--paired PAIRED_JSON] JMH_JSON OPENBLAS_JSON PEAK_TXT...

JMH_JSON holds GemmBenchmark (threads 1 and 2) and NetlibGemmBenchmark results; OPENBLAS_JSON comes
from bench/openblas_sgemm.py --coretypes (one thread, one entry per kernel set that loaded); each
PEAK_TXT is one output of bench/fma_peak.c. GFLOP/s = 2*m*n*k*ops/s/1e9.

Every figure is a median with its spread (min-max over JMH's measured iterations of all forks, or
over OpenBLAS's timed batches). The peak is the highest 512-bit figure of the PEAK_TXT files: the
others' load on a shared machine only lowers it, so the highest is the closest to the hardware's.
bfa is compared with the fastest OpenBLAS kernel set for each shape (by median). PAIRED_JSON, from
bench/openblas_sgemm.py --paired under the fastest set, adds the ratio measured in turns (median
and quartiles of the pairs), which the shared machine's drift between separate runs does not move.
"""
import argparse
import json
import re
import statistics

TARGET_PEAK, TARGET_BLAS, TARGET_SCALING = 0.85, 1.2, 1.9


def jmh_table(path):
    """{(benchmark, m, n, k, op, threads): (median, min, max) GFLOP/s over all measured iterations}."""
    out = {}
    for entry in json.load(open(path)):
        p = entry["params"]
        m, n, k = int(p["m"]), int(p["n"]), int(p["k"])
        name = entry["benchmark"].rsplit(".", 2)[-2]
        threads = int(p.get("threads", 1))
        scale = 2 * m * n * k / 1e9
        raw = [x * scale for fork in entry["primaryMetric"]["rawData"] for x in fork]
        out[(name, m, n, k, p["op"], threads)] = (statistics.median(raw), min(raw), max(raw))
    return out


def openblas_sets(path):
    """[(kernel set, requested core types, {(m, n, k, op): (median, min, max)})]."""
    return [(s["corename"], s["requested"],
             {(r["m"], r["n"], r["k"], r["op"]): (r["gflops_median"], r["gflops_min"], r["gflops_max"])
              for r in s["results"]})
            for s in json.load(open(path))["coretypes"]]


def peak(paths):
    found = []
    for path in paths:
        found += [float(x) for x in re.findall(r"512-bit FMA: ([0-9.]+) GFLOP/s", open(path).read())]
    return max(found), found


def spread(t):
    return f"{t[0]:.1f} ({t[1]:.0f}–{t[2]:.0f})" if t else "–"


def main():
    a = argparse.ArgumentParser()
    a.add_argument("jmh")
    a.add_argument("openblas")
    a.add_argument("peaks", nargs="+")
    a.add_argument("--paired", help="bench/openblas_sgemm.py --paired JSON")
    args = a.parse_args()
    paired = {}
    if args.paired:
        run = json.load(open(args.paired))
        paired_set = run["meta"]["openblas_corename"]
        paired = {(r["m"], r["n"], r["k"], r["op"]): r for r in run["results"]}
    jmh = jmh_table(args.jmh)
    sets = openblas_sets(args.openblas)
    top, peaks = peak(args.peaks)
    print(f"FMA peak, one core: {top:.1f} GFLOP/s (highest of {', '.join(f'{p:.1f}' for p in peaks)});"
          f" two cores: {2 * top:.1f}.")
    print("OpenBLAS kernel sets: " + "; ".join(f"{name} (OPENBLAS_CORETYPE={', '.join(req)})"
                                               for name, req, _ in sets) + ".\n")
    shapes = sorted({key[1:5] for key in jmh if key[0] == "GemmBenchmark"})
    names = [name for name, _, _ in sets]
    print("| m | n | k | op | bfa 1T | % of peak | " + " | ".join(f"OpenBLAS {x}" for x in names)
          + " | bfa / best OpenBLAS | " + (f"in pairs: bfa 1T, % of peak | bfa / {paired_set} | " if paired else "")
          + "bfa 2T | 2T / 1T | netlib-java 1T |")
    print("|---|---|---|---|---|---|" + "---|" * len(names) + ("---|---|" if paired else "") + "---|---|---|---|")
    met = {"peak": [], "blas": [], "paired": [], "paired peak": [], "scaling": []}
    for m, n, k, op in shapes:
        one = jmh.get(("GemmBenchmark", m, n, k, op, 1))
        two = jmh.get(("GemmBenchmark", m, n, k, op, 2))
        net = jmh.get(("NetlibGemmBenchmark", m, n, k, op, 1))
        blas = [table.get((m, n, k, op)) for _, _, table in sets]
        best = max((b for b in blas if b), default=None, key=lambda t: t[0])
        row = [m, n, k, op, spread(one)]
        row.append(f"{100 * one[0] / top:.0f} %" if one else "–")
        row += [spread(b) for b in blas]
        row.append(f"{one[0] / best[0]:.2f}" if one and best else "–")
        if paired:
            r = paired.get((m, n, k, op))
            row.append(f"{r['bfa_gflops_median']:.1f}, {100 * r['bfa_gflops_median'] / top:.0f} %" if r else "–")
            row.append(f"{r['ratio_median']:.2f} ({r['ratio_q1']:.2f}–{r['ratio_q3']:.2f})" if r else "–")
            if r:
                met["paired"].append(r["ratio_median"])
                met["paired peak"].append(r["bfa_gflops_median"] / top)
        row.append(spread(two))
        row.append(f"{two[0] / one[0]:.2f}" if one and two else "–")
        row.append(spread(net))
        print("| " + " | ".join(str(x) for x in row) + " |")
        if one:
            met["peak"].append(one[0] / top)
        if one and best:
            met["blas"].append(one[0] / best[0])
        if one and two:
            met["scaling"].append(two[0] / one[0])
    print()
    for key, target, what in (("peak", TARGET_PEAK, "bfa 1T / FMA peak"),
                              ("paired peak", TARGET_PEAK, "bfa 1T / FMA peak, in pairs"),
                              ("blas", TARGET_BLAS, "bfa 1T / best OpenBLAS"),
                              ("paired", TARGET_BLAS, "bfa 1T / best OpenBLAS, in pairs"),
                              ("scaling", TARGET_SCALING, "bfa 2T / 1T")):
        values = met[key]
        if values:
            print(f"- {what}: median {statistics.median(values):.2f}, min {min(values):.2f}, "
                  f"max {max(values):.2f}; {sum(v >= target for v in values)} of {len(values)} shapes "
                  f"at or above {target}")


if __name__ == "__main__":
    main()
