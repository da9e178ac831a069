"""Core speed figures of srcgrad's compiler, measured side by side in one run.

1. **MLP gradient**: loss and gradient of a two-layer tanh MLP
   (batch 32, 16 -> 64 -> 1, mean squared error) with respect to all four
   parameter arrays, by hand-written NumPy backward code, srcgrad's
   ``value_and_grad``, HIPS autograd and PyTorch (CPU, eager, float64);
   peers that are not installed are skipped.  Ratios are to hand-written.
2. **Transform time**: ``grad`` of a 30-line straight-line function, from a
   fresh function object each repeat (so the cache cannot hide the work).
3. **Cached-call overhead**: ``grad(f)(x)`` against calling the generated
   function and its pullback directly, on a tiny scalar function.

Repeats are interleaved (each repeat times every contender once, in turn) and
medians reported.  Output is a markdown table; ``--json`` prints JSON instead.

    python benchmarks/bench_core.py [--repeats 21] [--json]
"""

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time

import numpy as np

import srcgrad

TARGETS = {"mlp_ratio": 1.5, "transform_ms": 50.0, "overhead_us": 5.0}

# --------------------------------------------------------------------------- MLP


def mlp_loss(W1, b1, W2, b2, x, y):
    h = np.tanh(x @ W1 + b1)
    out = h @ W2 + b2
    return np.mean((out - y) ** 2)


def mlp_hand(W1, b1, W2, b2, x, y):
    """Loss and gradient, backward pass written by hand."""
    h = np.tanh(x @ W1 + b1)
    err = h @ W2 + b2 - y
    loss = np.mean(err ** 2)
    g_out = err * (2.0 / err.size)
    gW2 = h.T @ g_out
    gb2 = g_out.sum(axis=0)
    g_pre = (g_out @ W2.T) * (1.0 - h * h)
    gW1 = x.T @ g_pre
    gb1 = g_pre.sum(axis=0)
    return loss, (gW1, gb1, gW2, gb2)


def mlp_data(batch=32, n_in=16, width=64, seed=0):
    rng = np.random.default_rng(seed)
    params = (rng.normal(0, 1 / np.sqrt(n_in), (n_in, width)), np.zeros(width),
              rng.normal(0, 1 / np.sqrt(width), (width, 1)), np.zeros(1))
    x = rng.normal(size=(batch, n_in))
    y = np.sin(x.sum(axis=1, keepdims=True))
    return params, x, y


def mlp_contenders(params, x, y):
    """name -> zero-argument callable returning (loss, grads as ndarrays)."""
    out = {"hand-written NumPy": lambda: mlp_hand(*params, x, y)}
    vg = srcgrad.value_and_grad(mlp_loss, wrt=(0, 1, 2, 3))
    out["srcgrad (compiled)"] = lambda: vg(*params, x, y)
    try:
        import autograd
        import autograd.numpy as anp
    except ImportError:
        pass
    else:
        def ag_loss(W1, b1, W2, b2, x, y):
            h = anp.tanh(anp.dot(x, W1) + b1)
            return anp.mean((anp.dot(h, W2) + b2 - y) ** 2)
        ag = autograd.value_and_grad(ag_loss, argnum=(0, 1, 2, 3))
        out["HIPS autograd"] = lambda: ag(*params, x, y)
    try:
        import torch
    except ImportError:
        pass
    else:
        tp = [torch.tensor(p, requires_grad=True) for p in params]
        tx, ty = torch.tensor(x), torch.tensor(y)

        def torch_step():
            W1, b1, W2, b2 = tp
            loss = ((torch.tanh(tx @ W1 + b1) @ W2 + b2 - ty) ** 2).mean()
            grads = torch.autograd.grad(loss, tp)
            return loss.item(), tuple(g.numpy() for g in grads)
        out["PyTorch eager (CPU)"] = torch_step
    return out


def check_agree(contenders):
    """Every contender's loss and gradient must match the hand-written ones."""
    ref_loss, ref_grads = contenders["hand-written NumPy"]()
    for name, fn in contenders.items():
        loss, grads = fn()
        ok = np.isclose(loss, ref_loss) and all(
            np.allclose(np.asarray(g), r, rtol=1e-7, atol=1e-10) for g, r in zip(grads, ref_grads))
        if not ok:
            raise SystemExit("%s disagrees with the hand-written gradient" % name)


def timed(fn, number):
    start = time.perf_counter()
    for _ in range(number):
        fn()
    return (time.perf_counter() - start) / number


def interleaved(contenders, repeats, number):
    samples = {name: [] for name in contenders}
    for name, fn in contenders.items():   # warm-up: compile, allocate, load
        timed(fn, max(1, number // 10))
    for _ in range(repeats):
        for name, fn in contenders.items():
            samples[name].append(timed(fn, number))
    return {name: statistics.median(s) for name, s in samples.items()}


# ---------------------------------------------------------------- transform time

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


def transform_times(repeats):
    """Seconds to transform a fresh copy of the 30-line function, per repeat."""
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
            g = srcgrad.grad(fn, wrt=(1, 2, 3, 4, 5, 6))
            g.compiled                            # force the transform
            times.append(time.perf_counter() - start)
        check_transform(g)
    n_lines = len(TRANSFORM_SOURCE.split("def block", 1)[1].splitlines()) - 1  # the body
    return times[1:], n_lines                     # the first one warms caches up


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


# ------------------------------------------------------------- call overhead

def tiny(x):
    return x * x + 1.0


def overhead(repeats, number=20000):
    """Median seconds per call of grad(tiny)(x) and of the generated code alone."""
    g = srcgrad.grad(tiny)
    x = 1.5
    assert g(x) == 3.0
    fn = g.compiled.fused("grad")     # forward and adjoint in one function

    def direct():
        return fn(x)

    def wrapped():
        return g(x)
    return interleaved({"grad(f)(x)": wrapped, "generated f_grad": direct},
                       repeats, number)


# ------------------------------------------------------------------- report

def environment():
    info = {"python": platform.python_version(), "numpy": np.__version__,
            "machine": platform.machine(), "cpus": os.cpu_count(),
            "OPENBLAS_CORETYPE": os.environ.get("OPENBLAS_CORETYPE"),
            "OPENBLAS_L2_SIZE": os.environ.get("OPENBLAS_L2_SIZE")}
    try:
        import threadpoolctl
        info["blas"] = [{k: d.get(k) for k in ("internal_api", "architecture", "num_threads",
                                                "version")}
                        for d in threadpoolctl.threadpool_info()]
    except ImportError:
        pass
    try:
        import torch
        info["torch"] = torch.__version__
        info["torch_threads"] = torch.get_num_threads()
    except ImportError:
        pass
    try:
        import autograd  # noqa: F401
        from importlib.metadata import version
        info["autograd"] = version("autograd")
    except Exception:
        pass
    return info


def run(repeats):
    params, x, y = mlp_data()
    contenders = mlp_contenders(params, x, y)
    check_agree(contenders)
    mlp = interleaved(contenders, repeats, number=200)
    hand = mlp["hand-written NumPy"]
    transform, n_lines = transform_times(repeats)
    calls = overhead(repeats)
    return {
        "environment": environment(),
        "repeats": repeats,
        "mlp": {name: {"us": t * 1e6, "ratio": t / hand} for name, t in mlp.items()},
        "transform": {"lines": n_lines, "ms": statistics.median(transform) * 1e3,
                      "min_ms": min(transform) * 1e3},
        "overhead": {"grad_call_us": calls["grad(f)(x)"] * 1e6,
                     "direct_us": calls["generated f_grad"] * 1e6,
                     "overhead_us": (calls["grad(f)(x)"]
                                     - calls["generated f_grad"]) * 1e6},
        "targets": TARGETS,
    }


def markdown(res):
    env = res["environment"]
    out = ["# srcgrad core benchmark", "",
           "Python %s, NumPy %s, %s, %s CPUs; OPENBLAS_CORETYPE=%s; %d interleaved repeats, "
           "medians." % (env["python"], env["numpy"], env["machine"], env["cpus"],
                         env["OPENBLAS_CORETYPE"], res["repeats"])]
    if "torch" in env:
        out[-1] += " torch %s (%d threads)." % (env["torch"], env["torch_threads"])
    if "autograd" in env:
        out[-1] += " autograd %s." % env["autograd"]
    ratio = res["mlp"]["srcgrad (compiled)"]["ratio"]
    out += ["", "## Gradient of a two-layer tanh MLP loss (batch 32, 16 -> 64 -> 1, MSE)", "",
            "| implementation | time per loss+gradient (us) | vs hand-written |",
            "| --- | ---: | ---: |"]
    for name, row in res["mlp"].items():
        out.append("| %s | %.1f | %.2fx |" % (name, row["us"], row["ratio"]))
    t, o = res["transform"], res["overhead"]
    out += ["", "## Summary against the targets", "",
            "| measure | result | target | met |", "| --- | ---: | ---: | :---: |",
            "| srcgrad MLP gradient / hand-written | %.2fx | <= %.1fx | %s |" % (
                ratio, TARGETS["mlp_ratio"], _yes(ratio <= TARGETS["mlp_ratio"])),
            "| transform of a function of %d lines (median; min %.1f ms) | %.1f ms | < %.0f ms | "
            "%s |" % (t["lines"], t["min_ms"], t["ms"], TARGETS["transform_ms"],
                      _yes(t["ms"] < TARGETS["transform_ms"])),
            "| cached-call overhead of grad(f) (%.2f us vs %.2f us direct) | %.2f us | "
            "< %.0f us | %s |" % (o["grad_call_us"], o["direct_us"], o["overhead_us"],
                                  TARGETS["overhead_us"],
                                  _yes(o["overhead_us"] < TARGETS["overhead_us"]))]
    return "\n".join(out) + "\n"


def _yes(ok):
    return "yes" if ok else "**no**"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=21)
    parser.add_argument("--json", action="store_true", help="print JSON instead of markdown")
    args = parser.parse_args(argv)
    res = run(args.repeats)
    if args.json:
        json.dump(res, sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(markdown(res))


if __name__ == "__main__":
    main()
