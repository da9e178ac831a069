"""(i) Per-operation overhead of taping, forward + backward, as in
``bench_tape.py``: a chain of 1000 alternating ``y = y * c`` and ``y = y + x``
on a 4-element vector, summed, then backward; microseconds per operation.
srcgrad's Tensor API and torch run float32 (their default), the NumPy-based
contenders float64."""

import numpy as np

from bench_tape import chain_autograd, chain_engine, chain_srcgrad
from harness import (AUTOGRAD, HAND, TORCH, build, check, interleaved, need, ordered,
                     paired_ratio, torch)

N = 1000
TAPE_TENSOR = "srcgrad tape (Tensor)"
TAPE_VJP = "srcgrad tape (tape_vjp)"


def chain_hand(n):
    c = np.full(4, 0.999)

    def run():
        x = np.ones(4)
        y = x
        for _ in range(n // 2):
            y = y * c
            y = y + x
        by = np.ones(4)
        bx = np.zeros(4)
        for _ in range(n // 2):
            bx = bx + by
            by = by * c
        return (bx + by,)
    return run


def chain_torch(n):
    th = torch()
    c = th.full((4,), 0.999)

    def run():
        x = th.ones(4, requires_grad=True)
        y = x
        for _ in range(n // 2):
            y = y * c
            y = y + x
        y.sum().backward()
        return (x.grad,)
    return run


def tape_ops(cfg):
    def wrap(make):
        def factory():
            run = make(N)
            return lambda: (run(),)
        return factory

    def autograd():
        need("autograd")
        return wrap(chain_autograd)()

    makers = {HAND: lambda: chain_hand(N), TAPE_TENSOR: wrap(chain_srcgrad),
              TAPE_VJP: wrap(chain_engine), AUTOGRAD: autograd,
              TORCH: lambda: chain_torch(N)}
    contenders, skipped = build(makers)
    wrong = check(contenders, skipped, rtol=1e-7, atol=1e-10,
                  tolerances={TAPE_TENSOR: (1e-4, 1e-6), TORCH: (1e-4, 1e-6)})
    t = interleaved(contenders, cfg.repeats, cfg.sample)
    order = ordered(t)
    order = ([n for n in order if n == HAND] + [n for n in (TAPE_TENSOR, TAPE_VJP) if n in t]
             + [n for n in order if n not in (HAND, TAPE_TENSOR, TAPE_VJP)])
    rows = [{"name": n, "seconds": t[n]["median"] / N, "min_seconds": t[n]["min"] / N,
             "number": t[n]["number"], "ratio": paired_ratio(t, n, HAND),
             "vs_torch": paired_ratio(t, n, TORCH) if TORCH in t else None} for n in order]
    return {"key": "tape_ops", "unit": "us",
            "title": "tape per-operation overhead, forward + backward (chain of %d ops on a "
                     "4-vector; time per op)" % N,
            "rows": rows, "skipped": skipped, "wrong": wrong, "notes": []}
