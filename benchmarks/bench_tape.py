"""Per-operation overhead of the tape, forward + backward, on small tensors.

Builds a chain of N alternating adds and multiplies on a 4-element vector,
sums it, and runs backward; reports microseconds per operation (median over
interleaved repeats) for srcgrad's tape (Tensor API, float32), the same chain
as plain NumPy code through ``srcgrad.tape.engine.tape_vjp`` (float64),
PyTorch (CPU, one thread) and HIPS autograd.

    /work/venv311/bin/python benchmarks/bench_tape.py [--n 1000] [--repeats 21]
"""

import argparse
import statistics
import time

import numpy as np


def chain_srcgrad(n):
    import srcgrad.torch
    c = srcgrad.torch.tensor(np.full(4, 0.999, dtype=np.float32))

    def run():
        x = srcgrad.torch.tensor(np.ones(4, dtype=np.float32), requires_grad=True)
        y = x
        for _ in range(n // 2):
            y = y * c
            y = y + x
        y.sum().backward()
        return x.grad
    return run


def chain_engine(n):
    """The same chain as plain NumPy code through ``tape_vjp`` (float64), as
    ``srcgrad.grad`` runs it when it falls back to the tape."""
    from srcgrad.tape.engine import tape_vjp
    c = np.full(4, 0.999)

    def f(x):
        y = x
        for _ in range(n // 2):
            y = y * c
            y = y + x
        return np.sum(y)

    def run():
        return tape_vjp(f, (np.ones(4),))[1](1.0)
    return run


def chain_torch(n):
    import torch
    torch.set_num_threads(1)
    c = torch.full((4,), 0.999)

    def run():
        x = torch.ones(4, requires_grad=True)
        y = x
        for _ in range(n // 2):
            y = y * c
            y = y + x
        y.sum().backward()
        return x.grad
    return run


def chain_autograd(n):
    import autograd
    import autograd.numpy as anp
    c = np.full(4, 0.999)

    def f(x):
        y = x
        for _ in range(n // 2):
            y = y * c
            y = y + x
        return anp.sum(y)
    g = autograd.grad(f)

    def run():
        return g(np.ones(4))
    return run


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1000, help="operations per chain")
    ap.add_argument("--repeats", type=int, default=21)
    args = ap.parse_args()
    engines = {}
    for name, make in [("srcgrad tape", chain_srcgrad), ("tape_vjp", chain_engine),
                       ("torch", chain_torch),
                       ("HIPS autograd", chain_autograd)]:
        try:
            engines[name] = make(args.n)
            engines[name]()  # warm up
        except ImportError:
            print("%-14s not installed" % name)
    times = {k: [] for k in engines}
    for _ in range(args.repeats):
        for name, run in engines.items():   # interleaved
            t0 = time.perf_counter()
            run()
            times[name].append(time.perf_counter() - t0)
    print("per-op overhead, forward+backward, chain of %d ops on float[4], median of %d:"
          % (args.n, args.repeats))
    for name, ts in times.items():
        print("  %-14s %6.2f us/op" % (name, statistics.median(ts) / args.n * 1e6))


if __name__ == "__main__":
    main()
