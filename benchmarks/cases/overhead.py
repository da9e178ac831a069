"""(h) Cached-call overhead: ``grad(f)(*args)`` against calling the
generated gradient function directly (the fused ``f_grad``: forward and
adjoint in one function, compiler/lower/fused.py).  The difference is what
``GradFunction.__call__`` adds per call: finding the compiled code for the
arguments' signature (types, shapes, dtypes), the seed, giving the gradient
its argument's kind.

Two measures: ``f(x) = x * x + 1.0`` on a float (the target of issue 6,
< 2 us), and ``f(x0, ..., xn-1) = x0 @ x0 + ... + xn-1 @ xn-1`` on 1, 5 and 20
arrays of 3 floats, gradient wrt ``x0`` (issue 13: < 1 us with 5 arrays).  The
overhead is the median over the repeats of the difference of the two in the
same repeat (they run next to each other, so a change in the machine's load
cancels out)."""

import statistics

import numpy as np

import srcgrad

from harness import interleaved

ARGUMENTS = (1, 5, 20)


def tiny(x):
    return x * x + 1.0


def arrays1(x0):
    return x0 @ x0


def arrays5(x0, x1, x2, x3, x4):
    return x0 @ x0 + x1 @ x1 + x2 @ x2 + x3 @ x3 + x4 @ x4


def arrays20(x0, x1, x2, x3, x4, x5, x6, x7, x8, x9,
             x10, x11, x12, x13, x14, x15, x16, x17, x18, x19):
    return x0 @ x0 + x1 @ x1 + x2 @ x2 + x3 @ x3 + x4 @ x4 + x5 @ x5 + x6 @ x6 + x7 @ x7 + \
        x8 @ x8 + x9 @ x9 + x10 @ x10 + x11 @ x11 + x12 @ x12 + x13 @ x13 + x14 @ x14 + \
        x15 @ x15 + x16 @ x16 + x17 @ x17 + x18 @ x18 + x19 @ x19


def _measure(g, args, cfg, label):
    """``(rows, overhead seconds)`` of ``g(*args)`` against its generated code."""
    g(*args)
    c = g._compiled_for(args).fused("grad")
    want = g(*args)
    got = c(*args)[0]
    if not np.allclose(got, want):
        raise SystemExit("the generated code of %s disagrees with grad: %r, %r"
                         % (label, got, want))

    def direct():
        return c(*args)

    def wrapped():
        return g(*args)
    names = {"wrapped": "grad(f)(%s)" % label, "direct": "generated f_grad, %s" % label}
    t = interleaved({names["wrapped"]: wrapped, names["direct"]: direct},
                    cfg.repeats, cfg.sample)
    over = statistics.median(a - b for a, b in zip(t[names["wrapped"]]["samples"],
                                                   t[names["direct"]]["samples"]))
    rows = [{"name": n, "seconds": t[n]["median"], "min_seconds": t[n]["min"],
             "number": t[n]["number"], "ratio": None} for n in t]
    rows.append({"name": "overhead, %s" % label, "seconds": over, "min_seconds": None,
                 "number": None, "ratio": None})
    return rows, over


def overhead(cfg):
    g = srcgrad.grad(tiny, mode="compile")
    if g(1.5) != 3.0:
        raise SystemExit("grad(tiny)(1.5) = %r, expected 3.0" % g(1.5))
    rows, over = _measure(g, (1.5,), cfg, "x")
    by_args = {}
    for n in ARGUMENTS:
        f = globals()["arrays%d" % n]
        args = tuple(np.linspace(0.5, 1.5, 3) * (i + 1) for i in range(n))
        more, by_args[n] = _measure(srcgrad.grad(f, mode="compile"), args, cfg,
                                    "%d array%s" % (n, "s" if n > 1 else ""))
        rows += more
    return {"key": "overhead", "unit": "us", "overhead_seconds": over,
            "overhead_by_args": by_args,
            "title": "cached-call overhead of grad(f)(*args): f(x) = x * x + 1.0 on a float; "
                     "x0 @ x0 + ... on 1, 5, 20 arrays of 3 floats (wrt x0)",
            "rows": rows, "skipped": {}, "wrong": [], "notes": []}
