#!/usr/bin/env python3
"""What two threads could reach: two one-thread JVMs running the same GEMM at once, beside one JVM
running it on two threads.

Three bfa GemmTurns processes from this checkout: two with one thread, one with two. Per shape and
round it times one of the one-thread JVMs alone, then both at once (their speeds added), then the
two-thread JVM, and prints the medians over the rounds as multiples of the one alone. Two separate
processes share nothing but the machine (caches beyond L2, memory, the host), so "two at once" is
the ceiling a two-thread GEMM can hope for here; how far "one JVM, two threads" falls short of it
is what its partitioning costs.

    python3 bench/gemm_two_processes.py 128x1024x1024:NN 128x3072x3072:NN 1024x1024x1024:NN
"""
import argparse
import statistics
import threading

from gemm_turns import GemmTurns, positive, seconds, shape


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=positive, default=7)
    parser.add_argument("--warm", type=seconds, default=2.0, help="seconds of GEMMs per process before a shape")
    parser.add_argument("--min-time", type=seconds, default=0.4, help="seconds a turn lasts at least")
    parser.add_argument("shapes", nargs="+", type=shape, metavar="MxNxK:OP")
    args = parser.parse_args()
    singles = [GemmTurns(threads=1, name="first one-thread JVM"), GemmTurns(threads=1, name="second one-thread JVM")]
    pair = GemmTurns(threads=2, name="two-thread JVM")
    print(f"{args.rounds} rounds per shape, turns of at least {args.min_time} s; GFLOP/s, and x the one alone",
          flush=True)
    for m, n, k, op in args.shapes:
        for process in singles + [pair]:
            process.ask(f"shape {m} {n} {k} {op}")
            process.ask(f"warm {args.warm}")
        calls = int(args.min_time / (float(singles[0].ask("run 3")) / 3)) + 1
        flop = 2.0 * m * n * k * calls / 1e9
        alone, together, two_threads = [], [], []
        for _ in range(args.rounds):
            alone.append(flop / float(singles[0].ask(f"run {calls}")))
            times = [0.0, 0.0]

            def turn(index):
                times[index] = float(singles[index].ask(f"run {calls}"))

            workers = [threading.Thread(target=turn, args=(i,)) for i in range(2)]
            for worker in workers:
                worker.start()
            for worker in workers:
                worker.join()
            together.append(flop / times[0] + flop / times[1])
            two_threads.append(flop / float(pair.ask(f"run {calls}")))
        one, both, two = (statistics.median(x) for x in (alone, together, two_threads))
        print(f"{m}x{n}x{k} {op}: one thread alone {one:.1f}; two one-thread JVMs at once {both:.1f} "
              f"({both / one:.2f} x); one JVM on two threads {two:.1f} ({two / one:.2f} x)", flush=True)
    for process in singles + [pair]:
        process.close()


if __name__ == "__main__":
    main()
