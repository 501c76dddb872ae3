#!/usr/bin/env python3
"""The training step of TrainStepBenchmark written in PyTorch, timed on the CPU.

The same two networks (F: 3072 -> 1024 x 4 -> 10, R: 784 -> 1024 x 4 -> 10), batch 128, ReLU on
centred pre-activations, mean softmax cross-entropy, Adam (lr 1e-4), batches drawn and normalised
from synthetic pixel bytes, and the same 28 GEMMs (docs/spec.md, "One training step"): for `fa`
each hidden layer's error goes down through a fixed random matrix, for `bp` through the weights.
The backward pass is written out with torch.mm into preallocated buffers, as one writes feedback
alignment in PyTorch (autograd would compute the transposed weights' product instead), and the
update is torch.optim.Adam over the gradients it wrote. Not bit-identical to bfa (PyTorch sums in
its own order); the loss is printed so that a broken step shows.

    python3 bench/torch_step.py --threads 2 --mode fa --rounds 20
Prints one JSON object: steps/s per round, their median and quartiles, GEMM GFLOP/s at the median,
the same for rounds of the step's GEMMs alone (taking turns with the step's rounds), and PyTorch's
version, threads and the BLAS library it called.
"""
import argparse
import ctypes
import json
import os
import statistics
import time

import torch

BATCH = 128
WIDTH = 1024
DEPTH = 4
CLASSES = 10
EXAMPLES = 8192


class Network:
    """One network's weights, Adam-trained parameters, feedback matrices and step buffers."""

    def __init__(self, inputs, mode, generator):
        sizes = [inputs] + [WIDTH] * DEPTH + [CLASSES]
        self.weights = [uniform((sizes[l + 1], sizes[l]), sizes[l], generator) for l in range(len(sizes) - 1)]
        self.biases = [torch.zeros(sizes[l + 1]) for l in range(len(sizes) - 1)]
        # M_l for l >= 1: a fixed random matrix under fa, the weights themselves under bp.
        self.feedback = [None] + [uniform(w.shape, w.shape[1], generator) if mode == "fa" else w
                                  for w in self.weights[1:]]
        for p in self.weights + self.biases:
            p.grad = torch.zeros_like(p)
        self.levels = [torch.empty(BATCH, n) for n in sizes]  # H_0 .. H_L (H_L: the logits)
        self.errors = [torch.empty(BATCH, n) for n in sizes[1:]]  # D_0 .. D_{L-1}
        self.products = [torch.empty(BATCH, n) for n in sizes[1:-1]]  # D_l . M_l, l = 1 .. L-1
        self.pixels = torch.randint(0, 256, (EXAMPLES, inputs), dtype=torch.uint8, generator=generator)
        self.labels = torch.randint(0, CLASSES, (EXAMPLES,), generator=generator)
        self.order = torch.randperm(EXAMPLES, generator=generator)
        self.next = 0
        pixels = self.pixels.double() / 255
        self.scale = float(1 / (255 * pixels.std(unbiased=False)))
        self.offset = float(-pixels.mean() / pixels.std(unbiased=False))

    def parameters(self):
        return self.weights + self.biases

    def batch(self):
        if self.next + BATCH > EXAMPLES:
            self.order = torch.randperm(EXAMPLES)
            self.next = 0
        rows = self.order[self.next:self.next + BATCH]
        self.next += BATCH
        torch.mul(self.pixels[rows].float(), self.scale, out=self.levels[0]).add_(self.offset)
        return self.labels[rows]

    def forward(self):
        last = len(self.weights) - 1
        for l, (w, b) in enumerate(zip(self.weights, self.biases)):
            z = self.levels[l + 1]
            torch.mm(self.levels[l], w.t(), out=z)
            z.add_(b)
            if l < last:
                z.sub_(z.mean(dim=1, keepdim=True)).relu_()

    def loss_and_output_error(self, labels):
        logits = self.levels[-1]
        loss = torch.nn.functional.cross_entropy(logits, labels)
        d = self.errors[-1]
        torch.softmax(logits, dim=1, out=d)
        d[torch.arange(BATCH), labels] -= 1
        d.div_(BATCH)
        return loss.item()

    def backward(self):
        for l in range(len(self.weights) - 1, -1, -1):
            d = self.errors[l]
            torch.mm(d.t(), self.levels[l], out=self.weights[l].grad)
            torch.sum(d, dim=0, out=self.biases[l].grad)
            if l > 0:
                e = self.products[l - 1]
                torch.mm(d, self.feedback[l], out=e)
                below = self.errors[l - 1]
                torch.mul(e, self.levels[l] > 0, out=below)
                below.sub_(below.mean(dim=1, keepdim=True))

    def gemms(self):
        """Only the step's matrix products, on the step's buffers: its GEMM roofline in PyTorch."""
        for l, w in enumerate(self.weights):
            torch.mm(self.levels[l], w.t(), out=self.levels[l + 1])
        for l in range(len(self.weights) - 1, -1, -1):
            torch.mm(self.errors[l].t(), self.levels[l], out=self.weights[l].grad)
            if l > 0:
                torch.mm(self.errors[l], self.feedback[l], out=self.products[l - 1])

    def multiply_adds(self):
        forward = sum(w.numel() for w in self.weights) * BATCH
        errors = sum(w.numel() for w in self.weights[1:]) * BATCH
        return 2 * forward + errors  # forward, weight gradients, errors


def uniform(shape, fan_in, generator):
    bound = 1 / fan_in ** 0.5
    return (torch.rand(shape, generator=generator) * 2 - 1) * bound


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--mode", choices=["fa", "bp"], default="fa")
    parser.add_argument("--warm-up", type=float, default=10.0, help="seconds of steps before the rounds")
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--steps", type=int, default=8, help="steps per round")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    generator = torch.Generator().manual_seed(1)
    nets = [Network(3072, args.mode, generator), Network(784, args.mode, generator)]
    optimizer = torch.optim.Adam([p for n in nets for p in n.parameters()], lr=1e-4, foreach=True)
    losses = []

    def step():
        labels = [n.batch() for n in nets]
        for n in nets:
            n.forward()
        losses.append([n.loss_and_output_error(y) for n, y in zip(nets, labels)])
        for n in nets:
            n.backward()
        optimizer.step()

    def gemms():
        for n in nets:
            n.gemms()

    end = time.perf_counter() + args.warm_up
    while time.perf_counter() < end:
        step()
    # Rounds of the step and of its GEMMs alone, in turns.
    rates, gemm_rates = [], []
    for _ in range(args.rounds):
        for work, into in ((step, rates), (gemms, gemm_rates)):
            start = time.perf_counter()
            for _ in range(args.steps):
                work()
            into.append(args.steps / (time.perf_counter() - start))
    median = statistics.median(rates)
    gflop = sum(n.multiply_adds() for n in nets) * 2 / 1e9
    print(json.dumps({
        "mode": args.mode, "threads": args.threads, "torch": torch.__version__,
        "torch_threads": torch.get_num_threads(), "blas": blas(),
        "gemm_gflop_per_step": round(gflop, 4), "steps_per_s": [round(r, 3) for r in rates],
        "median_steps_per_s": round(median, 3), "quartiles": quartiles(rates),
        "gemm_gflops_at_median": round(gflop * median, 1),
        "gemms_only_per_s": [round(r, 3) for r in gemm_rates],
        "median_gemms_only_per_s": round(statistics.median(gemm_rates), 3), "gemms_only_quartiles": quartiles(gemm_rates),
        "loss_first_last": [losses[0], losses[-1]],
    }))


def quartiles(values):
    q = statistics.quantiles(values, n=4)
    return [round(q[0], 3), round(q[2], 3)]


def blas():
    """The BLAS library this process mapped (Debian's torch calls whichever libblas.so.3 is
    installed), with OpenBLAS's kernel set when it is OpenBLAS."""
    with open("/proc/self/maps") as maps:
        paths = {line.split()[-1] for line in maps if "blas" in line.split()[-1].lower()}
    found = []
    for path in sorted(paths):
        entry = os.path.realpath(path)
        try:
            corename = ctypes.CDLL(path).openblas_get_corename
            corename.restype = ctypes.c_char_p
            entry += " (OpenBLAS kernels: " + corename().decode() + ")"
        except (OSError, AttributeError):
            pass
        found.append(entry)
    return found


if __name__ == "__main__":
    main()
