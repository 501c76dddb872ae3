#!/usr/bin/env python3
"""Merge JMH GEMM results with OpenBLAS numbers into the markdown table of docs/performance.md.

Usage: python3 bench/gemm_report.py JMH_JSON OPENBLAS_1T_JSON [OPENBLAS_2T_JSON] [--peak GFLOPS]

JMH_JSON holds GemmBenchmark (threads 1 and 2) and NetlibGemmBenchmark results from one run;
the OpenBLAS files come from bench/openblas_sgemm.py --json. GFLOP/s = 2*m*n*k*ops/s/1e9.
"""
import argparse
import json
import statistics


def jmh_table(path):
    """{(benchmark, m, n, k, op, threads): median GFLOP/s over all measured iterations}."""
    out = {}
    for entry in json.load(open(path)):
        p = entry["params"]
        m, n, k = int(p["m"]), int(p["n"]), int(p["k"])
        name = entry["benchmark"].rsplit(".", 2)[-2]
        threads = int(p.get("threads", 1))
        raw = [x for fork in entry["primaryMetric"]["rawData"] for x in fork]
        out[(name, m, n, k, p["op"], threads)] = statistics.median(raw) * 2 * m * n * k / 1e9
    return out


def openblas_table(path):
    return {(r["m"], r["n"], r["k"], r["op"]): r["gflops_median"] for r in json.load(open(path))["results"]}


def main():
    a = argparse.ArgumentParser()
    a.add_argument("jmh")
    a.add_argument("openblas1")
    a.add_argument("openblas2", nargs="?")
    a.add_argument("--peak", type=float, help="single-core FP32 FMA peak in GFLOP/s")
    args = a.parse_args()
    jmh = jmh_table(args.jmh)
    ob1 = openblas_table(args.openblas1)
    ob2 = openblas_table(args.openblas2) if args.openblas2 else {}
    shapes = sorted({key[1:5] for key in jmh if key[0] == "GemmBenchmark"})
    print("| m | n | k | op | bfa 1T | OpenBLAS 1T | bfa/OpenBLAS | bfa 2T | 2T/1T | OpenBLAS 2T | netlib-java 1T | bfa/netlib |"
          + (" % of peak 1T |" if args.peak else ""))
    print("|---|---|---|---|---|---|---|---|---|---|---|---|" + ("---|" if args.peak else ""))
    ratios = {"openblas": [], "scaling": [], "netlib": []}
    for m, n, k, op in shapes:
        one = jmh.get(("GemmBenchmark", m, n, k, op, 1))
        two = jmh.get(("GemmBenchmark", m, n, k, op, 2))
        net = jmh.get(("NetlibGemmBenchmark", m, n, k, op, 1))
        o1 = ob1.get((m, n, k, op))
        o2 = ob2.get((m, n, k, op))

        def fmt(x, spec="{:.1f}"):
            return spec.format(x) if x is not None else "–"

        def ratio(x, y, key):
            if x is None or y is None:
                return "–"
            ratios[key].append(x / y)
            return "{:.2f}".format(x / y)

        row = [m, n, k, op, fmt(one), fmt(o1), ratio(one, o1, "openblas"), fmt(two), ratio(two, one, "scaling"),
               fmt(o2), fmt(net), ratio(one, net, "netlib")]
        if args.peak:
            row.append(fmt(100 * one / args.peak if one else None, "{:.0f}%"))
        print("| " + " | ".join(str(x) for x in row) + " |")
    for key, values in ratios.items():
        if values:
            print(f"\n{key}: median {statistics.median(values):.2f}, min {min(values):.2f}, max {max(values):.2f}")


if __name__ == "__main__":
    main()
