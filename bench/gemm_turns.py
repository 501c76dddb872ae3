"""What the scripts that drive bfa's GemmTurns share (gemm_launches.py, gemm_ab.py,
gemm_two_processes.py, openblas_sgemm.py --paired): argument types and the GemmTurns process itself."""
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


def dims(text):
    """MxNxK as a tuple of three positive integers."""
    parts = text.lower().split("x")
    if len(parts) != 3 or not all(p.isdigit() and int(p) > 0 for p in parts):
        raise argparse.ArgumentTypeError(f"shape {text!r} is not MxNxK with positive integers")
    return tuple(int(p) for p in parts)


def shape(text):
    """MxNxK:OP as (m, n, k, op), OP one of NN NT TN TT."""
    spec, _, op = text.partition(":")
    if op not in ("NN", "NT", "TN", "TT"):
        raise argparse.ArgumentTypeError(f"shape {text!r} does not end in :OP with OP one of NN NT TN TT")
    return dims(spec) + (op,)


class GemmTurns:
    """One JVM running GemmTurns from the checkout at root (through its ./bfa, which builds it if
    needed), ready for commands once constructed."""

    def __init__(self, root=ROOT, threads=1, jvm_opts=None, name="bfa"):
        env = dict(os.environ)
        if jvm_opts is not None:
            env["BFA_JAVA_OPTS"] = jvm_opts
        self.name = name
        self.proc = subprocess.Popen([os.path.join(root, "bfa"), "bench", "--main", "GemmTurns", str(threads)],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1, env=env)
        self.ready = self._answer()  # "ready <kernels>, <threads> thread(s)"

    def ask(self, command):
        self.proc.stdin.write(command + "\n")
        self.proc.stdin.flush()
        return self._answer()

    def _answer(self):
        line = self.proc.stdout.readline()
        if not line:
            sys.exit(f"ERROR: {self.name}'s GemmTurns stopped (exit {self.proc.wait()})")
        return line.strip()

    def close(self):
        self.proc.stdin.close()
        if self.proc.wait() != 0:
            sys.exit(f"ERROR: {self.name}'s GemmTurns exited {self.proc.returncode}")
