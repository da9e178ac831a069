"""The compiled hvp (case j) and hessian (case k) against hand-written NumPy in
CPU time (``time.process_time``), paired repeats: on a loaded shared machine
wall-clock medians move with the load, CPU time much less.  Run it for two
checkouts in separate processes, alternated, to compare them::

    PYTHONPATH=/path/to/checkout python benchmarks/hvp_cpu.py [--repeats 40]

Prints, per case, the minimum CPU time of each and the median of the paired
ratios (compiled / hand-written, one pair per repeat)."""

import os
import statistics
import sys
import time
import timeit

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import srcgrad  # noqa: E402
from cases.mlp import mlp_data, mlp_loss  # noqa: E402
from cases.higher import hessian_hand, mlp_hvp_hand, scalar_fn  # noqa: E402


def paired(hand, compiled, repeats, n_hand, n_compiled):
    th, tc = [], []
    for _ in range(repeats):
        th.append(timeit.timeit(hand, number=n_hand, timer=time.process_time) / n_hand)
        tc.append(timeit.timeit(compiled, number=n_compiled, timer=time.process_time) /
                  n_compiled)
    return min(th), min(tc), statistics.median(c / h for h, c in zip(th, tc))


def main(repeats=40):
    params, x, y = mlp_data(batch=32, n_in=16, width=64)
    rng = np.random.default_rng(1)
    v = tuple(rng.normal(size=np.shape(p)) for p in params)
    h = srcgrad.hvp(mlp_loss, wrt=(0, 1, 2, 3), mode="compile")
    for a, b in zip(h(*params, x, y, v), mlp_hvp_hand(*params, x, y, v)):
        np.testing.assert_allclose(a, b, rtol=1e-7, atol=1e-10)
    hand, comp, ratio = paired(lambda: mlp_hvp_hand(*params, x, y, v),
                               lambda: h(*params, x, y, v), repeats, 200, 200)
    print("(j) hvp, 64-wide MLP: hand %.1f us, compiled %.1f us (min CPU time); "
          "median paired ratio %.2fx" % (hand * 1e6, comp * 1e6, ratio))
    rng = np.random.default_rng(2)
    A = rng.normal(size=(100, 100)) / 10.0
    x = rng.normal(size=100)
    hess = srcgrad.hessian(scalar_fn, mode="compile")
    np.testing.assert_allclose(hess(x, A), hessian_hand(x, A), rtol=1e-7, atol=1e-10)
    hand, comp, ratio = paired(lambda: hessian_hand(x, A), lambda: hess(x, A),
                               max(repeats // 3, 5), 200, 5)
    print("(k) 100x100 Hessian: hand %.1f us, compiled %.0f us (min CPU time); "
          "median paired ratio %.0fx" % (hand * 1e6, comp * 1e6, ratio))


if __name__ == "__main__":
    main(int(sys.argv[sys.argv.index("--repeats") + 1]) if "--repeats" in sys.argv else 40)
