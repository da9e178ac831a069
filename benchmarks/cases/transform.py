"""(g) Transform time: ``grad`` of a 30-line straight-line function,
:data:`TRANSFORM_SOURCE` (a layer norm, an MLP, a log-softmax cross-entropy and
regularisers), from a fresh function object each repeat, so srcgrad's cache
cannot hide the work.  Timed: building the gradient function and compiling it
for the argument kinds of a first call (``_compiled_for``), which is what the
first call of ``grad(f)`` pays; checked against central finite differences.

Then the curve (issue 13: transform time linear in the function's size): the
same measure on generated functions of 100, 300 and 1,000 straight-line
statements, one NumPy operation each (:func:`chain_source`: a chain of
matmuls and elementwise operations on three arrays), fewer repeats for the
bigger ones; the 100-statement one is checked against finite differences too.

>>> print(chain_source(7), end="")
import numpy as np
<BLANKLINE>
<BLANKLINE>
def chain(x, W, b):
    t1 = x @ W
    t2 = t1 + b
    t3 = np.tanh(t2)
    t4 = t3 * t2
    t5 = np.sin(t4)
    t6 = t5 - t4
    return np.sum(t6)
"""

import os
import statistics
import tempfile
import time

import numpy as np

import srcgrad

from harness import COMPILED


TRANSFORM_SOURCE = '''\
import numpy as np


def block(x, W1, b1, W2, b2, gamma, beta, target):
    mu = np.mean(x, axis=1, keepdims=True)
    xc = x - mu
    var = np.mean(xc ** 2, axis=1, keepdims=True)
    inv = 1.0 / np.sqrt(var + 1e-5)
    xn = xc * inv
    z = xn * gamma + beta
    a1 = z @ W1 + b1
    h1 = np.tanh(a1)
    s1 = 1.0 / (1.0 + np.exp(-a1))
    g1 = h1 * s1
    d1 = g1 - 0.5 * h1
    a2 = d1 @ W2 + b2
    m = np.max(a2, axis=1, keepdims=True)
    e = np.exp(a2 - m)
    se = np.sum(e, axis=1, keepdims=True)
    lse = m + np.log(se)
    logp = a2 - lse
    nll = -np.sum(logp * target, axis=1)
    ce = np.mean(nll)
    p = e / se
    ent = -np.sum(p * logp, axis=1)
    reg1 = np.sum(W1 ** 2)
    reg2 = np.sum(W2 ** 2)
    reg = 1e-4 * (reg1 + reg2)
    sm = np.sum(np.abs(gamma - 1.0))
    total = ce - 0.01 * np.mean(ent) + reg + 1e-3 * sm
    scale = np.sqrt(1.0 + total ** 2)
    smooth = np.log1p(np.exp(-np.abs(total)))
    out = scale - 1.0 + total
    return out + 1e-3 * smooth
'''


def check_transform(g):
    """The transformed 30-liner agrees with central finite differences."""
    rng = np.random.default_rng(1)
    args = [rng.normal(size=(4, 5)), rng.normal(size=(5, 6)), rng.normal(size=6),
            rng.normal(size=(6, 3)), rng.normal(size=3), rng.normal(size=5) + 1.0,
            rng.normal(size=5), np.eye(3)[[0, 2, 1, 1]]]
    grads = g(*args)
    fn = g.fun
    for k, i in enumerate(g.positions):
        v = rng.normal(size=np.shape(args[i]))
        eps = 1e-6
        plus, minus = list(args), list(args)
        plus[i], minus[i] = args[i] + eps * v, args[i] - eps * v
        numeric = (fn(*plus) - fn(*minus)) / (2 * eps)
        analytic = float(np.sum(grads[k] * v))
        if abs(analytic - numeric) > 1e-5 * max(1.0, abs(numeric)):
            raise SystemExit("transformed 30-line function disagrees with finite differences "
                             "(argument %d: %r vs %r)" % (i, analytic, numeric))


def _args():
    rng = np.random.default_rng(1)
    return [rng.normal(size=(4, 5)), rng.normal(size=(5, 6)), rng.normal(size=6),
            rng.normal(size=(6, 3)), rng.normal(size=3), rng.normal(size=5) + 1.0,
            rng.normal(size=5), np.eye(3)[[0, 2, 1, 1]]]


#: the sizes of the curve, in statements
CURVE = (100, 300, 1000)

#: one NumPy operation per statement, in turn; t{j} is the previous value,
#: t{k} the one before (a few arrays live at once, values stay bounded)
_CHAIN = ("t{i} = t{j} @ W", "t{i} = t{j} + b", "t{i} = np.tanh(t{j})", "t{i} = t{j} * t{k}",
          "t{i} = np.sin(t{j})", "t{i} = t{j} - t{k}")


def chain_source(n):
    """The source of ``chain(x, W, b)``: ``n - 1`` assignments, one NumPy
    operation each, and ``return np.sum(...)``: ``n`` statements."""
    lines = ["import numpy as np", "", "", "def chain(x, W, b):"]
    for i in range(1, n):
        prev = "t%d" % (i - 1) if i > 1 else "x"
        before = "t%d" % (i - 2) if i > 2 else "x"
        stmt = _CHAIN[(i - 1) % len(_CHAIN)].replace("t{j}", prev).replace("t{k}", before)
        lines.append("    " + stmt.format(i=i))
    lines.append("    return np.sum(t%d)" % (n - 1))
    return "\n".join(lines) + "\n"


def _chain_args():
    rng = np.random.default_rng(2)
    return [rng.normal(size=(4, 5)), rng.normal(size=(5, 5)) * 0.4, rng.normal(size=5)]


def _times(source, name, wrt, args, repeats, folder, tag):
    """Seconds per transform of a fresh copy of ``source``'s ``name``, after a
    first (untimed) one that warms caches up: wall-clock and CPU (the process's
    time, which other work on a shared machine inflates less); and the last
    gradient function."""
    path = os.path.join(folder, "%s.py" % tag)
    with open(path, "w") as fh:
        fh.write(source)
    code = compile(source, path, "exec")
    times, cpu = [], []
    for i in range(repeats + 1):
        namespace = {"__name__": "%s_%d" % (tag, i)}
        exec(code, namespace)                     # a new function object: a cache miss
        fn = namespace[name]
        start, start_cpu = time.perf_counter(), time.process_time()
        g = srcgrad.grad(fn, wrt=wrt, mode="compile")
        g._compiled_for(args)                     # the transform a first call pays for
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return times[1:], cpu[1:], g


def _check_chain(g, args):
    """The transformed chain agrees with central finite differences."""
    rng = np.random.default_rng(3)
    grads = g(*args)
    for i, grad in enumerate(grads):
        v = rng.normal(size=np.shape(args[i]))
        eps = 1e-6
        plus, minus = list(args), list(args)
        plus[i], minus[i] = args[i] + eps * v, args[i] - eps * v
        numeric = (g.fun(*plus) - g.fun(*minus)) / (2 * eps)
        analytic = float(np.sum(grad * v))
        if abs(analytic - numeric) > 1e-5 * max(1.0, abs(numeric)):
            raise SystemExit("transformed %d-statement chain disagrees with finite "
                             "differences (argument %d: %r vs %r)" % (
                                 CURVE[0], i, analytic, numeric))


def transform(cfg):
    args = _args()
    repeats = max(cfg.repeats, 5)
    curve = []
    with tempfile.TemporaryDirectory(prefix="srcgrad-bench-") as folder:
        times, cpu, g = _times(TRANSFORM_SOURCE, "block", (1, 2, 3, 4, 5, 6), args, repeats,
                               folder, "thirty_lines")
        check_transform(g)                        # SystemExit when it disagrees
        if not cfg.quick:
            chain_args = _chain_args()
            for n in CURVE:
                reps = max(3, min(repeats, 3000 // n))
                ts, cs, g = _times(chain_source(n), "chain", (0, 1, 2), chain_args, reps,
                                   folder, "chain_%d" % n)
                if n == CURVE[0]:
                    _check_chain(g, chain_args)
                curve.append({"statements": n, "seconds": statistics.median(ts),
                              "min_seconds": min(ts), "cpu_seconds": statistics.median(cs),
                              "repeats": reps})
    n_lines = len(TRANSFORM_SOURCE.split("def block", 1)[1].splitlines()) - 1
    med = statistics.median(times)
    return {"key": "transform", "unit": "ms",
            "title": "transform time of a %d-line function (fresh function object per repeat)"
                     % n_lines,
            "rows": [{"name": COMPILED, "seconds": med, "min_seconds": min(times),
                      "number": 1, "ratio": None}],
            "skipped": {}, "wrong": [], "lines": n_lines, "curve": curve,
            "cpu_seconds": statistics.median(cpu),
            "notes": ["Checked against central finite differences; %d repeats; CPU time "
                      "%.1f ms (median)." % (repeats, statistics.median(cpu) * 1e3)] + [
                "%d straight-line statements (chain_source): %.1f ms (median of %d; min "
                "%.1f ms; CPU time %.1f ms)" % (c["statements"], c["seconds"] * 1e3,
                                                c["repeats"], c["min_seconds"] * 1e3,
                                                c["cpu_seconds"] * 1e3)
                for c in curve]}
