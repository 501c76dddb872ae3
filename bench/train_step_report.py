#!/usr/bin/env python3
"""Turn a TrainStepBenchmark JMH result (run with -prof gc) into a markdown table (docs/performance.md).

Usage: python3 bench/train_step_report.py JMH_JSON

One op of `step` is one training step of both networks; one op of `gemmsOnly` replays just that
step's GEMMs. The step's GEMM work follows from the paper's shapes (TrainStepBenchmark's
constants), the same in every mode: forward H_l W_l^T and weight gradient D_l^T H_l for every
layer, error D_l F_l for every layer but the first, for F (3072 inputs) and R (784 inputs), width
1024, 4 hidden layers, 10 classes, batch 128.
"""
import json
import statistics
import sys

BATCH, WIDTH, DEPTH, CLASSES = 128, 1024, 4, 10


def network_multiply_adds(inputs):
    sizes = [inputs] + [WIDTH] * DEPTH + [CLASSES]
    layers = list(zip(sizes, sizes[1:]))
    forward = sum(BATCH * i * o for i, o in layers)
    error = sum(BATCH * i * o for i, o in layers[1:])
    return 2 * forward + error


STEP_GFLOP = 2 * (network_multiply_adds(3072) + network_multiply_adds(784)) / 1e9


def median_rate(entry):
    return statistics.median(x for fork in entry["primaryMetric"]["rawData"] for x in fork)


def allocation(entry):
    for key, metric in entry.get("secondaryMetrics", {}).items():
        if key.endswith("gc.alloc.rate.norm"):
            return metric["score"]
    return float("nan")


def main():
    results = {}
    for entry in json.load(open(sys.argv[1])):
        method = entry["benchmark"].rsplit(".", 1)[-1]
        p = entry["params"]
        results[(method, p["mode"], int(p["threads"]))] = entry
    modes = sorted({k[1] for k in results}, key=["fa", "coupled-backward", "coupled-both", "bp"].index)
    print(f"Step GEMM work: {STEP_GFLOP:.4f} GFLOP (both networks).\n")
    print("| mode | threads | steps/s | examples/s | GFLOP/s | GEMMs alone, GFLOP/s | % of GEMM roofline "
          "| step B/op | GEMMs B/op | 2T/1T |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for mode in modes:
        for threads in (1, 2):
            step = results.get(("step", mode, threads))
            gemms = results.get(("gemmsOnly", mode, threads))
            if step is None or gemms is None:
                continue
            rate = median_rate(step)
            gemm_rate = median_rate(gemms)
            one = results.get(("step", mode, 1))
            scaling = f"{rate / median_rate(one):.2f}" if threads == 2 and one else ""
            print(f"| {mode} | {threads} | {rate:.2f} | {2 * BATCH * rate:.0f} | {rate * STEP_GFLOP:.1f} "
                  f"| {gemm_rate * STEP_GFLOP:.1f} | {100 * rate / gemm_rate:.0f} % | {allocation(step):.0f} "
                  f"| {allocation(gemms):.0f} | {scaling} |")


if __name__ == "__main__":
    main()
