#!/usr/bin/env python3
"""Two builds of bfa (or one build with two sets of JVM flags) compared in pairs of GEMM turns.

Each side is a JVM running bfa's GemmTurns from its own checkout (through that checkout's ./bfa,
which builds it if needed). The two JVMs take turns on the same shape, so a pair of turns lands in
one stretch of a shared machine; which side goes first alternates from pair to pair. Per shape it
prints the median and quartiles of the pairs' speed ratios (B over A) and each side's median GFLOP/s.
The same build on both sides gave 1.028-1.031 on the Zen 4 of docs/performance.md (three shapes,
8 pairs each): take differences of a few percent as noise, and run both ways round.

    git worktree add /tmp/bfa-before <commit>
    python3 bench/gemm_ab.py --a /tmp/bfa-before --b . --threads 1 --pairs 10 \\
        128x3072x3072:NT 128x1024x1024:NN
    python3 bench/gemm_ab.py --b-opts=-Dbfa.gemm.kc=128 128x784x3072:TN   # flags: --b-opts=..., with "="
"""
import argparse
import os
import statistics

from gemm_turns import ROOT, GemmTurns, positive, seconds, shape


def checkout(text):
    if not os.access(os.path.join(text, "bfa"), os.X_OK):
        raise argparse.ArgumentTypeError(f"{text!r} is not a bfa checkout (no executable ./bfa in it)")
    return os.path.abspath(text)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--a", type=checkout, default=ROOT, help="checkout of side A (default: this one)")
    parser.add_argument("--b", type=checkout, default=ROOT, help="checkout of side B (default: this one)")
    parser.add_argument("--a-opts", help="BFA_JAVA_OPTS for side A (default: as in the environment)")
    parser.add_argument("--b-opts", help="BFA_JAVA_OPTS for side B (default: as in the environment)")
    parser.add_argument("--threads", type=positive, default=1)
    parser.add_argument("--pairs", type=positive, default=10)
    parser.add_argument("--warm", type=seconds, default=3.0, help="seconds of GEMMs per side before a shape's pairs")
    parser.add_argument("--min-time", type=seconds, default=0.3, help="seconds a turn lasts at least (either side)")
    parser.add_argument("shapes", nargs="+", type=shape, metavar="MxNxK:OP")
    args = parser.parse_args()
    a = GemmTurns(args.a, args.threads, args.a_opts, name="side A")
    b = GemmTurns(args.b, args.threads, args.b_opts, name="side B")
    print(f"A: {args.a} {args.a_opts or ''}\nB: {args.b} {args.b_opts or ''}\n"
          f"{args.threads} thread(s), {args.pairs} pairs per shape, turns of at least {args.min_time} s", flush=True)
    for m, n, k, op in args.shapes:
        for side in (a, b):
            side.ask(f"shape {m} {n} {k} {op}")
            side.ask(f"warm {args.warm}")
        fastest_call = min(float(side.ask("run 3")) / 3 for side in (a, b))
        calls = int(args.min_time / fastest_call) + 1
        flop = 2.0 * m * n * k * calls / 1e9
        ratios, a_speed, b_speed = [], [], []
        for pair in range(args.pairs):
            times = {}
            for side in ((a, b) if pair % 2 == 0 else (b, a)):
                times[side] = float(side.ask(f"run {calls}"))
            ratios.append(times[a] / times[b])
            a_speed.append(flop / times[a])
            b_speed.append(flop / times[b])
        low, _, high = statistics.quantiles(ratios, n=4) if len(ratios) > 1 else (ratios[0],) * 3
        print(f"{m}x{n}x{k} {op}: B/A speed {statistics.median(ratios):.3f} (quartiles {low:.3f}-{high:.3f}), "
              f"A {statistics.median(a_speed):.1f} B {statistics.median(b_speed):.1f} GFLOP/s", flush=True)
    a.close()
    b.close()


if __name__ == "__main__":
    main()
