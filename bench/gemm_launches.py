#!/usr/bin/env python3
"""Fresh JVMs one after another, each timing turns of one GEMM shape (bfa's GemmTurns).

Shows whether a machine's speed holds across JVMs and within one: each line is one JVM, each
number one turn's GFLOP/s. docs/performance.md ("The machine's two speeds") uses it.

    python3 bench/gemm_launches.py --jvms 5 --shape 128x1024x1024 --op NN [--threads 1]
        [--warm 4] [--turns 5] [--calls 100] [--jvm-opts "-XX:+UseTransparentHugePages"]
"""
import argparse
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def positive(text):
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text} is not a positive integer")
    return value


def seconds(text):
    value = float(text)
    if not 0 <= value < 1e6:
        raise argparse.ArgumentTypeError(f"{text} is not a number of seconds from 0 to 1e6")
    return value


def shape(text):
    parts = text.lower().split("x")
    if len(parts) != 3 or not all(p.isdigit() and int(p) > 0 for p in parts):
        raise argparse.ArgumentTypeError(f"shape {text!r} is not MxNxK with positive integers")
    return tuple(int(p) for p in parts)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jvms", type=positive, default=5)
    parser.add_argument("--shape", type=shape, default=(128, 1024, 1024))
    parser.add_argument("--op", choices=["NN", "NT", "TN", "TT"], default="NN")
    parser.add_argument("--threads", type=positive, default=1)
    parser.add_argument("--warm", type=seconds, default=4.0, help="seconds of GEMMs before the first turn")
    parser.add_argument("--turns", type=positive, default=5)
    parser.add_argument("--calls", type=positive, default=100, help="GEMMs per turn")
    parser.add_argument("--jvm-opts", help="extra JVM flags (BFA_JAVA_OPTS; default: as in the environment)")
    args = parser.parse_args()
    m, n, k = args.shape
    env = dict(os.environ)
    if args.jvm_opts is not None:
        env["BFA_JAVA_OPTS"] = args.jvm_opts
    for jvm in range(args.jvms):
        proc = subprocess.Popen([os.path.join(ROOT, "bfa"), "bench", "--main", "GemmTurns", str(args.threads)],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1, env=env)

        def ask(command):
            if command:
                proc.stdin.write(command + "\n")
                proc.stdin.flush()
            line = proc.stdout.readline()
            if not line:
                sys.exit(f"ERROR: bfa's GemmTurns stopped (exit {proc.wait()})")
            return line.strip()

        ask("")  # its "ready" line
        ask(f"shape {m} {n} {k} {args.op}")
        ask(f"warm {args.warm}")
        flop = 2.0 * m * n * k * args.calls / 1e9
        turns = [flop / float(ask(f"run {args.calls}")) for _ in range(args.turns)]
        print(f"JVM {jvm}: " + " ".join(f"{g:.1f}" for g in turns), flush=True)
        proc.stdin.close()
        if proc.wait() != 0:
            sys.exit(f"ERROR: bfa's GemmTurns exited {proc.returncode}")


if __name__ == "__main__":
    main()
