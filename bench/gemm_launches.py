#!/usr/bin/env python3
"""Fresh JVMs one after another, each timing turns of one GEMM shape (bfa's GemmTurns).

Shows whether a machine's speed holds across JVMs and within one: each line is one JVM, each
number one turn's GFLOP/s. Listed in docs/performance.md ("How to measure").

    python3 bench/gemm_launches.py --jvms 5 --shape 128x1024x1024 --op NN [--threads 1]
        [--warm 4] [--turns 5] [--calls 100] [--jvm-opts "-XX:+UseTransparentHugePages"]
"""
import argparse

from gemm_turns import GemmTurns, dims, positive, seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jvms", type=positive, default=5)
    parser.add_argument("--shape", type=dims, default=(128, 1024, 1024))
    parser.add_argument("--op", choices=["NN", "NT", "TN", "TT"], default="NN")
    parser.add_argument("--threads", type=positive, default=1)
    parser.add_argument("--warm", type=seconds, default=4.0, help="seconds of GEMMs before the first turn")
    parser.add_argument("--turns", type=positive, default=5)
    parser.add_argument("--calls", type=positive, default=100, help="GEMMs per turn")
    parser.add_argument("--jvm-opts", help="extra JVM flags (BFA_JAVA_OPTS; default: as in the environment)")
    args = parser.parse_args()
    m, n, k = args.shape
    for jvm in range(args.jvms):
        process = GemmTurns(threads=args.threads, jvm_opts=args.jvm_opts, name=f"JVM {jvm}")
        process.ask(f"shape {m} {n} {k} {args.op}")
        process.ask(f"warm {args.warm}")
        flop = 2.0 * m * n * k * args.calls / 1e9
        turns = [flop / float(process.ask(f"run {args.calls}")) for _ in range(args.turns)]
        print(f"JVM {jvm}: " + " ".join(f"{g:.1f}" for g in turns), flush=True)
        process.close()


if __name__ == "__main__":
    main()
