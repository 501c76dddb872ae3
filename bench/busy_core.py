#!/usr/bin/env python3
"""Keeps a CPU busy part of the time, as another program on a shared machine would.

Spins for BUSY milliseconds, sleeps for IDLE, and again, until killed. Pin it to one core to see how
a two-thread GEMM copes when one of its cores is taken from it now and then:

    taskset -c 1 python3 bench/busy_core.py 3 12 &    # core 1 busy 3 ms in every 15
    python3 bench/gemm_ab.py --a /tmp/bfa-before --b . --threads 2 1024x1024x1024:NN
    kill %1
"""
import argparse
import time


def milliseconds(text):
    value = float(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} is negative")
    return value / 1000


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("busy", type=milliseconds, help="milliseconds of spinning in each period")
    parser.add_argument("idle", type=milliseconds, help="milliseconds of sleep in each period")
    args = parser.parse_args()
    while True:
        start = time.perf_counter()
        while time.perf_counter() - start < args.busy:
            pass
        time.sleep(args.idle)


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        pass
