"""(g) Transform time: ``grad`` of the 30-line straight-line function of
``bench_core.py`` (a layer norm, an MLP, a log-softmax cross-entropy and
regularisers), from a fresh function object each repeat, so srcgrad's cache
cannot hide the work.  Timed: building the gradient function and compiling it
for the argument kinds of a first call (``_compiled_for``), which is what the
first call of ``grad(f)`` pays; checked against central finite differences."""

import os
import statistics
import tempfile
import time

import numpy as np

import srcgrad

from bench_core import TRANSFORM_SOURCE, check_transform
from harness import COMPILED


def _args():
    rng = np.random.default_rng(1)
    return [rng.normal(size=(4, 5)), rng.normal(size=(5, 6)), rng.normal(size=6),
            rng.normal(size=(6, 3)), rng.normal(size=3), rng.normal(size=5) + 1.0,
            rng.normal(size=5), np.eye(3)[[0, 2, 1, 1]]]


def transform(cfg):
    args = _args()
    repeats = max(cfg.repeats, 5)
    with tempfile.TemporaryDirectory(prefix="srcgrad-bench-") as folder:
        path = os.path.join(folder, "thirty_lines.py")
        with open(path, "w") as fh:
            fh.write(TRANSFORM_SOURCE)
        code = compile(TRANSFORM_SOURCE, path, "exec")
        times = []
        for i in range(repeats + 1):
            namespace = {"__name__": "thirty_lines_%d" % i}
            exec(code, namespace)                 # a new function object: a cache miss
            fn = namespace["block"]
            start = time.perf_counter()
            g = srcgrad.grad(fn, wrt=(1, 2, 3, 4, 5, 6), mode="compile")
            g._compiled_for(args)                 # the transform a first call pays for
            times.append(time.perf_counter() - start)
        check_transform(g)                        # SystemExit when it disagrees
    times = times[1:]                             # the first one warms caches up
    n_lines = len(TRANSFORM_SOURCE.split("def block", 1)[1].splitlines()) - 1
    med = statistics.median(times)
    return {"key": "transform", "unit": "ms",
            "title": "transform time of a %d-line function (fresh function object per repeat)"
                     % n_lines,
            "rows": [{"name": COMPILED, "seconds": med, "min_seconds": min(times),
                      "number": 1, "ratio": None}],
            "skipped": {}, "wrong": [], "lines": n_lines,
            "notes": ["Checked against central finite differences; %d repeats." % repeats]}
