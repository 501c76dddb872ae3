#!/usr/bin/env python3
"""OpenBLAS SGEMM throughput via numpy (reference numbers for the bfa Java GEMM).

Measures C(m x n) = op(A) op(B) for float32, op in {NN, NT, TN}, using
np.matmul(a, b, out=c) with a preallocated C.  Transposed operands are passed
as views (.T of a C-contiguous array stored in the transposed shape), so numpy
hands them to cblas_sgemm with the transpose flag instead of copying.  numpy
(>= 2.x, umath/matmul.c.src) only copies an operand into a malloc'ed temp buffer
when it is neither C- nor F-"blasable"; the start-up check verifies, with
numpy's own is_blasable2d criterion, that every operand is blasable with the
intended layout (NN -> both row-major, T -> F-blasable view), so no copy
happens, and checks the result against a float64 reference.

Usage (from the repository root):
    OPENBLAS_NUM_THREADS=1 python3 bench/openblas_sgemm.py
    OPENBLAS_NUM_THREADS=2 python3 bench/openblas_sgemm.py --threads 2 --json out.json
    OPENBLAS_CORETYPE=SkylakeX python3 bench/openblas_sgemm.py     # pick OpenBLAS kernel set
    env -u OPENBLAS_CORETYPE python3 bench/openblas_sgemm.py       # OpenBLAS auto-detection
    python3 bench/openblas_sgemm.py --coretypes SkylakeX,Haswell --json all.json   # one run per kernel set

Core types (--coretypes): numpy's OpenBLAS is a DYNAMIC_ARCH build that picks its kernel set
when it loads, from OPENBLAS_CORETYPE or the CPU; a type it cannot run on this CPU, or one that
shares another's kernels, loads that other set (docs/performance.md says which, here). So each
requested type is first loaded in a child process that only reports the kernel set that took
effect (get_corename); every distinct kernel set is then measured once, in its own child, and
the types that fell back to it are listed with it.

Paired mode (--paired): this process starts bfa's GEMM as a child (./bfa bench --main
GemmTurns THREADS) and the two take turns on each shape, the same number of calls per turn,
alternating which goes first; every pair of neighbouring turns gives one ratio bfa/OpenBLAS
(throughput), so the machine's drifting speed, which moves separate runs by 20 % and more on a
shared virtual machine, largely cancels. Reported: both medians and the ratio's median and
quartiles over the pairs.
    OPENBLAS_NUM_THREADS=1 python3 bench/openblas_sgemm.py --paired --repeats 15 --json paired.json

Thread count: --threads (default: $OPENBLAS_NUM_THREADS, else 1) is written to
OPENBLAS_NUM_THREADS / OMP_NUM_THREADS *before* numpy is imported, and is then
also applied at run time through openblas_set_num_threads (ctypes) or
threadpoolctl when available.  Setting the env var on the command line as shown
above is the most robust way and is what the numbers in the reports used.

OPENBLAS_CORETYPE is only read by OpenBLAS at library load time (DYNAMIC_ARCH
builds); the kernel set actually in use is printed ("corename").

Per (shape, op): warm-up, calibrate a batch of calls taking >= --min-time
seconds, then time --repeats batches with time.perf_counter.  Reported:
median / min / max GFLOP/s, GFLOP/s = 2*m*n*k / t_per_call / 1e9.
Because the machine may be shared, each batch also records process CPU time:
"cpu" = 2mnk / (cpu_time/threads) (contention-robust for 1 thread), "u" = CPU
utilisation cpu/(wall*threads), "o" = share of the machine used by *other*
processes during the measurement (/proc/stat).  Trust wall-clock numbers only
where o is ~0 and u is ~1.  On a busy shared box add e.g. --wait-idle 300 to
start each measurement only once the others have gone (nearly) quiet.
"""
import argparse
import glob
import json
import os
import platform
import sys
import time

from gemm_turns import GemmTurns

SHAPES = [(128, n, k) for n in (784, 1024, 3072) for k in (784, 1024, 3072)] + [(1024, 1024, 1024)]
OPS = ("NN", "NT", "TN")


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--threads", type=int,
                   default=int(os.environ.get("OPENBLAS_NUM_THREADS", "1") or 1),
                   help="BLAS threads (default: $OPENBLAS_NUM_THREADS or 1)")
    p.add_argument("--repeats", type=int, default=15, help="timed batches per measurement (default 15)")
    p.add_argument("--min-time", type=float, default=0.5, help="min seconds per timed batch (default 0.5)")
    p.add_argument("--ops", default=",".join(OPS), help="comma list of ops (default NN,NT,TN)")
    p.add_argument("--wait-idle", type=float, default=0.0, metavar="SEC",
                   help="shared machines: before each measurement wait (at most SEC seconds) until other"
                        " processes use < --idle-threshold of the machine (default 0 = don't wait)")
    p.add_argument("--idle-threshold", type=float, default=0.15,
                   help="max fraction of all CPUs used by others for --wait-idle (default 0.15)")
    p.add_argument("--shapes", help="comma list of MxNxK to run instead of the default 10 shapes")
    p.add_argument("--json", metavar="FILE", help="write results as JSON to FILE")
    p.add_argument("--coretypes", metavar="LIST",
                   help="comma list of OPENBLAS_CORETYPE values: measure each distinct kernel set they load")
    p.add_argument("--corename", action="store_true",
                   help="print the kernel set OpenBLAS loaded (get_corename) and exit")
    p.add_argument("--paired", action="store_true",
                   help="take turns with bfa's GEMM (./bfa bench --main GemmTurns) and report bfa/OpenBLAS"
                        " per pair of neighbouring turns; --repeats pairs of --min-time turns per shape")
    return p.parse_args()


ARGS = parse_args()
# Must happen before numpy (and thus OpenBLAS) is loaded.
os.environ["OPENBLAS_NUM_THREADS"] = str(ARGS.threads)
os.environ["OMP_NUM_THREADS"] = str(ARGS.threads)

import ctypes  # noqa: E402

import numpy as np  # noqa: E402


def find_openblas():
    """ctypes handle + symbol prefix for the OpenBLAS numpy is linked against (best effort)."""
    cands = []
    try:
        with open("/proc/self/maps") as f:
            for line in f:
                path = line.split()[-1]
                if "openblas" in os.path.basename(path).lower() and path.startswith("/"):
                    cands.append(path)
    except OSError:
        pass
    base = os.path.dirname(np.__file__)
    cands += glob.glob(os.path.join(base, "..", "numpy.libs", "*openblas*"))
    cands += glob.glob(os.path.join(base, ".dylibs", "*openblas*"))
    for path in dict.fromkeys(cands):
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        for pre, suf in (("scipy_openblas_", "64_"), ("scipy_openblas_", ""), ("openblas_", "64_"), ("openblas_", "")):
            if hasattr(lib, pre + "get_config" + suf):
                return lib, pre, suf, path
    return None, None, None, None


LIB, PRE, SUF, LIBPATH = find_openblas()


def blas_call(name, restype=ctypes.c_int, *args):
    if LIB is None:
        return None
    fn = getattr(LIB, PRE + name + SUF, None)
    if fn is None:
        return None
    fn.restype = restype
    r = fn(*args)
    return r.decode() if isinstance(r, bytes) else r


def set_threads(n):
    try:
        from threadpoolctl import threadpool_limits
        threadpool_limits(limits=n, user_api="blas")
    except ImportError:
        pass
    blas_call("set_num_threads", None, ctypes.c_int(n))


def make_operands(m, n, k, op, rng):
    """Return (a, b, c) where a is op(A) (m x k) and b is op(B) (k x n), as views."""
    ta, tb = op[0] == "T", op[1] == "T"
    a_store = rng.standard_normal((k, m) if ta else (m, k), dtype=np.float32)
    b_store = rng.standard_normal((n, k) if tb else (k, n), dtype=np.float32)
    a = a_store.T if ta else a_store
    b = b_store.T if tb else b_store
    c = np.empty((m, n), dtype=np.float32)
    assert a.shape == (m, k) and b.shape == (k, n)
    assert a_store.flags.c_contiguous and b_store.flags.c_contiguous
    return a, b, c


def blas_layout(x):
    """numpy's is_blasable2d: 'N' if row-major blasable, 'T' if only as transpose, None -> copy."""
    sz = x.itemsize
    s0, s1 = x.strides
    d0, d1 = x.shape
    if s1 == sz and s0 % sz == 0 and s0 // sz >= d1:
        return "N"
    if s0 == sz and s1 % sz == 0 and s1 // sz >= d0:
        return "T"
    return None


def check_views_and_correct(rng):
    """Operands must hit cblas_sgemm directly (no temp copy) with the intended trans flags."""
    m, n, k = 128, 784, 1024
    for op in OPS:
        a, b, c = make_operands(m, n, k, op, rng)
        got = (blas_layout(a) or "?") + (blas_layout(b) or "?")
        if got != op or blas_layout(c) != "N":
            sys.exit(f"ERROR: {op}: operands are not passed as {op} views (layout {got}) -> numpy would copy")
        np.matmul(a, b, out=c)
        ref = a.astype(np.float64) @ b.astype(np.float64)
        err = float(np.max(np.abs(c - ref)) / np.max(np.abs(ref)))
        if err > 1e-4:
            sys.exit(f"ERROR: {op}: relative error {err:.2e}")


def stat_busy():
    """(busy_seconds, total_seconds) summed over all CPUs from /proc/stat, or None."""
    try:
        with open("/proc/stat") as f:
            v = [int(x) for x in f.readline().split()[1:9]]
    except (OSError, ValueError):
        return None
    hz = os.sysconf("SC_CLK_TCK")
    idle = v[3] + v[4]
    return (sum(v) - idle) / hz, sum(v) / hz


def wait_idle(max_wait, threshold, probe=2.0):
    """Block until other processes use < threshold of all CPUs (measured over `probe` s).
    Returns (seconds waited, last busy fraction)."""
    t_start = time.perf_counter()
    frac = None
    while True:
        s0 = stat_busy()
        if s0 is None:
            return 0.0, None
        time.sleep(probe)
        s1 = stat_busy()
        frac = (s1[0] - s0[0]) / max(1e-9, s1[1] - s0[1])
        waited = time.perf_counter() - t_start
        if frac < threshold or waited >= max_wait:
            return waited, frac


def median(xs):
    xs = sorted(xs)
    h = len(xs) // 2
    return xs[h] if len(xs) % 2 else 0.5 * (xs[h - 1] + xs[h])


def measure(m, n, k, op, repeats, min_time, threads, rng):
    a, b, c = make_operands(m, n, k, op, rng)
    mm = np.matmul
    # warm-up (~0.2 s) and per-call time estimate
    t0 = time.perf_counter()
    calls = 0
    while True:
        mm(a, b, out=c)
        calls += 1
        el = time.perf_counter() - t0
        if el > 0.2 and calls >= 3:
            break
    per = el / calls
    batch = max(1, int(min_time / per + 0.999))
    wall, cpu = [], []
    st0, w0, c0 = stat_busy(), time.perf_counter(), time.process_time()
    for _ in range(repeats):
        t0, p0 = time.perf_counter(), time.process_time()
        for _ in range(batch):
            mm(a, b, out=c)
        wall.append((time.perf_counter() - t0) / batch)
        cpu.append((time.process_time() - p0) / batch)
    st1, w1, c1 = stat_busy(), time.perf_counter(), time.process_time()
    flop = 2.0 * m * n * k
    g = sorted(flop / t / 1e9 for t in wall)
    # cpu-time normalised: flop / (process cpu seconds / threads).  Time spent descheduled by
    # other load is not counted, so this is the contention-robust figure for 1 thread; for
    # >1 thread it is a lower bound of the uncontended rate (OpenBLAS spin-waits count as cpu).
    gc = [flop / (ct / threads) / 1e9 for ct in cpu if ct > 0]
    util = [ct / (wt * threads) for ct, wt in zip(cpu, wall)]
    others = None
    if st0 and st1:
        ncpu = os.cpu_count() or 1
        others = max(0.0, ((st1[0] - st0[0]) - (c1 - c0)) / (ncpu * (w1 - w0)))
    med = median(g)
    return {"m": m, "n": n, "k": k, "op": op, "batch": batch, "repeats": repeats,
            "gflops_median": med, "gflops_min": g[0], "gflops_max": g[-1],
            "sec_per_call_median": flop / med / 1e9,
            "gflops_cpu_median": median(gc) if gc else None,
            "cpu_util_median": median(util),
            "others_busy_frac": others}


def cpu_info():
    model, mhz = platform.processor(), None
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name") and model in ("", None, platform.machine()):
                    model = line.split(":", 1)[1].strip()
                elif line.startswith("cpu MHz") and mhz is None:
                    mhz = float(line.split(":", 1)[1])
    except OSError:
        pass
    return model, mhz


def loadavg():
    try:
        with open("/proc/loadavg") as f:
            return f.read().split()[:3]
    except OSError:
        return None


def quartiles(xs):
    xs = sorted(xs)
    at = lambda q: xs[int(q * (len(xs) - 1) + 0.5)]  # noqa: E731  nearest rank, halves up, as bench/Quantiles.java
    return at(0.25), at(0.5), at(0.75)


def measure_paired(bfa, m, n, k, op, pairs, min_time, rng):
    a, b, c = make_operands(m, n, k, op, rng)
    bfa.ask(f"shape {m} {n} {k} {op}")
    bfa.ask("warm 2")
    t0, calls = time.perf_counter(), 0
    while time.perf_counter() - t0 < 0.3 or calls < 3:
        np.matmul(a, b, out=c)
        calls += 1
    batch = max(1, int(min_time / ((time.perf_counter() - t0) / calls) + 0.999))

    def openblas_turn():
        start = time.perf_counter()
        for _ in range(batch):
            np.matmul(a, b, out=c)
        return time.perf_counter() - start

    blas_t, bfa_t = [], []
    for p in range(pairs):
        if p % 2 == 0:
            blas_t.append(openblas_turn())
            bfa_t.append(float(bfa.ask(f"run {batch}")))
        else:
            bfa_t.append(float(bfa.ask(f"run {batch}")))
            blas_t.append(openblas_turn())
    flop = 2.0 * m * n * k * batch / 1e9
    ratio = [tb / tf for tb, tf in zip(blas_t, bfa_t)]
    q1, med, q3 = quartiles(ratio)
    return {"m": m, "n": n, "k": k, "op": op, "batch": batch, "pairs": pairs,
            "openblas_gflops_median": flop / quartiles(blas_t)[1], "bfa_gflops_median": flop / quartiles(bfa_t)[1],
            "ratio_median": med, "ratio_q1": q1, "ratio_q3": q3,
            # every pair's turns, in order, so that the machine's stretches of speed can be read off;
            # OpenBLAS ran first in the even-numbered pairs (from 0), bfa in the odd ones
            "openblas_gflops_turns": [flop / t for t in blas_t], "bfa_gflops_turns": [flop / t for t in bfa_t]}


def main_paired(ops, shapes, meta):
    bfa = GemmTurns(threads=ARGS.threads)
    meta["bfa"] = bfa.ready
    print(f"# bfa: {bfa.ready}; {ARGS.repeats} pairs of turns of >= {ARGS.min_time} s per shape")
    rng = np.random.default_rng(12345)
    first = shapes[0]
    bfa.ask(f"shape {first[0]} {first[1]} {first[2]} {ops[0]}")
    bfa.ask("warm 20")  # C2 compiles the GEMM's entry points in the first seconds
    print("| m | n | k | op | bfa GFLOP/s | OpenBLAS GFLOP/s | bfa/OpenBLAS (quartiles) |")
    print("|---|---|---|---|---|---|---|")
    results = []
    for (m, n, k) in shapes:
        for op in ops:
            r = measure_paired(bfa, m, n, k, op, ARGS.repeats, ARGS.min_time, rng)
            results.append(r)
            print(f"| {m} | {n} | {k} | {op} | {r['bfa_gflops_median']:.1f} | {r['openblas_gflops_median']:.1f}"
                  f" | {r['ratio_median']:.2f} ({r['ratio_q1']:.2f}-{r['ratio_q3']:.2f}) |", flush=True)
    bfa.close()
    ratios = sorted(r["ratio_median"] for r in results)
    print(f"# bfa/OpenBLAS over the shapes: median {median(ratios):.2f}, min {ratios[0]:.2f}, max {ratios[-1]:.2f}")
    return results


def main_coretypes():
    """One child per requested core type: which kernel set it loads, then one measurement per set."""
    import subprocess
    import tempfile
    passed = [a for a in sys.argv[1:] if not a.startswith("--coretypes") and a != ARGS.coretypes]
    if ARGS.json:
        at = passed.index("--json")
        del passed[at:at + 2]
    me = os.path.abspath(__file__)
    loaded = {}
    for requested in [t.strip() for t in ARGS.coretypes.split(",") if t.strip()]:
        env = dict(os.environ, OPENBLAS_CORETYPE=requested)
        name = subprocess.run([sys.executable, me, "--corename"], env=env, check=True,
                              capture_output=True, text=True).stdout.strip()
        print(f"# OPENBLAS_CORETYPE={requested}: loads {name}" + ("" if name.lower() == requested.lower()
                                                                    else " (fell back)"), flush=True)
        loaded.setdefault(name, []).append(requested)
    sets = []
    for name, requested in loaded.items():
        env = dict(os.environ, OPENBLAS_CORETYPE=requested[0])
        with tempfile.NamedTemporaryFile(suffix=".json") as tmp:
            print(f"## kernel set {name} (requested as {', '.join(requested)})", flush=True)
            subprocess.run([sys.executable, me, *passed, "--json", tmp.name], env=env, check=True)
            run = json.load(open(tmp.name))
        if run["meta"]["openblas_corename"] != name:
            sys.exit(f"ERROR: requested {requested[0]}, measured {run['meta']['openblas_corename']}")
        sets.append({"corename": name, "requested": requested, "meta": run["meta"], "results": run["results"]})
    if ARGS.json:
        with open(ARGS.json, "w") as f:
            json.dump({"coretypes": sets}, f, indent=1)
        print(f"# wrote {ARGS.json}")


def main():
    if ARGS.corename:
        print(blas_call("get_corename", ctypes.c_char_p))
        return
    if ARGS.coretypes:
        main_coretypes()
        return
    ops = [o.strip().upper() for o in ARGS.ops.split(",") if o.strip()]
    shapes = SHAPES
    if ARGS.shapes:
        shapes = [tuple(int(v) for v in t.lower().split("x")) for t in ARGS.shapes.split(",") if t]
    set_threads(ARGS.threads)
    model, mhz = cpu_info()
    meta = {
        "numpy": np.__version__, "python": platform.python_version(),
        "openblas_lib": LIBPATH,
        "openblas_config": blas_call("get_config", ctypes.c_char_p),
        "openblas_corename": blas_call("get_corename", ctypes.c_char_p),
        "openblas_num_threads": blas_call("get_num_threads"),
        "threads_requested": ARGS.threads,
        "env": {k: os.environ.get(k) for k in ("OPENBLAS_CORETYPE", "OPENBLAS_NUM_THREADS",
                                              "OMP_NUM_THREADS", "OPENBLAS_L2_SIZE")},
        "cpu_model": model, "cpu_mhz_proc": mhz, "nproc": os.cpu_count(),
        "repeats": ARGS.repeats, "min_time": ARGS.min_time,
        "wait_idle": ARGS.wait_idle, "idle_threshold": ARGS.idle_threshold,
        "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "loadavg_start": loadavg(),
    }
    for key in ("openblas_config", "openblas_corename", "openblas_num_threads", "threads_requested",
                "env", "cpu_model", "cpu_mhz_proc", "numpy", "loadavg_start"):
        print(f"# {key}: {meta[key]}")
    rng = np.random.default_rng(12345)
    check_views_and_correct(rng)
    if ARGS.paired:
        write_json(meta, main_paired(ops, shapes, meta))
        return
    print("# view check: NN/NT/TN operands are blasable views with matching trans flags (no copy);"
          " results match float64 reference")
    print(f"# wall-clock GFLOP/s median [min-max] over {ARGS.repeats} batches of >= {ARGS.min_time}s;"
          f" 'cpu' = median GFLOP/s per (process cpu-time / threads), util = cpu/(wall*threads),"
          f" oth = fraction of machine used by other processes")
    hdr = f"{'m':>5} {'n':>5} {'k':>5} | " + " | ".join(f"{op:^38}" for op in ops)
    print(hdr)
    print("-" * len(hdr))
    results = []
    for (m, n, k) in shapes:
        cells = []
        for op in ops:
            waited = None
            if ARGS.wait_idle > 0:
                waited, _ = wait_idle(ARGS.wait_idle, ARGS.idle_threshold)
            r = measure(m, n, k, op, ARGS.repeats, ARGS.min_time, ARGS.threads, rng)
            r["waited_idle_sec"] = waited
            results.append(r)
            oth = r["others_busy_frac"]
            cells.append(f"{r['gflops_median']:6.1f} [{r['gflops_min']:5.1f}-{r['gflops_max']:5.1f}]"
                         f" cpu {r['gflops_cpu_median'] or 0:5.1f} u{r['cpu_util_median']:4.2f}"
                         f" o{oth if oth is not None else float('nan'):4.2f}")
        print(f"{m:5d} {n:5d} {k:5d} | " + " | ".join(cells), flush=True)
    print("# summary: wall-clock median GFLOP/s")
    print(f"{'m':>5} {'n':>5} {'k':>5} | " + " ".join(f"{op:>6}" for op in ops))
    for (m, n, k) in shapes:
        row = [r for r in results if (r["m"], r["n"], r["k"]) == (m, n, k)]
        print(f"{m:5d} {n:5d} {k:5d} | " + " ".join(f"{r['gflops_median']:6.1f}" for r in row))
    busy = [r["others_busy_frac"] for r in results if r["others_busy_frac"] is not None]
    if busy and max(busy) > 0.1:
        print(f"# WARNING: other processes used up to {100 * max(busy):.0f}% of the machine during"
              f" measurements; wall-clock numbers are contended (see 'cpu' column / rerun when idle)")
    meta["loadavg_end"] = loadavg()
    print(f"# loadavg_end: {meta['loadavg_end']}  (machine is shared: load > threads => numbers are contended)")
    write_json(meta, results)


def write_json(meta, results):
    if ARGS.json:
        with open(ARGS.json, "w") as f:
            json.dump({"meta": meta, "results": results}, f, indent=1)
        print(f"# wrote {ARGS.json}")


if __name__ == "__main__":
    main()
