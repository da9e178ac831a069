"""Cases (g) and (h) in CPU time (``time.process_time``), for comparing two
checkouts on a loaded shared machine, where wall-clock medians move with the
load and CPU time much less.  Run it for each checkout in separate processes,
alternated::

    PYTHONPATH=/path/to/checkout python benchmarks/call_cpu.py [--quick]

Prints (1) the transform time of the 30-line function and of the 100, 300 and
1,000-statement chains (median CPU time over fresh function objects); (2) the
cached-call overhead of ``grad(f)(*args)`` on a float and on 1, 5 and 20
arrays, as the difference of the minimum CPU times of ``grad(f)(*args)`` and
of the generated ``f_grad`` called directly (paired chunks of calls); and (3)
the same overhead with the generated code replaced by a function that costs
nothing (it hands back a preallocated fresh array: what ``__call__`` itself
adds, without the generated code's noise).  (3) reaches into GradFunction's
remembered signature (``_last``, and ``_fast`` where the checkout has the fast
call of srcgrad/signature.py); it is a measuring tool, not an API."""

import os
import statistics
import sys
import tempfile
import time
import timeit

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import srcgrad  # noqa: E402
from cases.transform import TRANSFORM_SOURCE  # noqa: E402
from cases import overhead as o  # noqa: E402
from cases import transform as T  # noqa: E402

CPU = time.process_time


def transform_cpu(source, name, wrt, args, repeats, folder, tag):
    path = os.path.join(folder, tag + ".py")
    with open(path, "w") as fh:
        fh.write(source)
    code = compile(source, path, "exec")
    times = []
    for i in range(repeats + 1):
        namespace = {"__name__": "%s_%d" % (tag, i)}
        exec(code, namespace)
        start = CPU()
        srcgrad.grad(namespace[name], wrt=wrt, mode="compile")._compiled_for(args)
        times.append(CPU() - start)
    return statistics.median(times[1:])


def overhead_cpu(g, c, args, n=500, repeats=200):
    a = b = float("inf")
    for _ in range(repeats):
        t0 = CPU()
        for _ in range(n):
            g(*args)
        t1 = CPU()
        for _ in range(n):
            c(*args)
        t2 = CPU()
        a, b = min(a, (t1 - t0) / n), min(b, (t2 - t1) / n)
    return a - b


def bare_overhead(f, args):
    """``grad(f)(*args)`` minus a bare call, the generated code replaced by
    a function of no cost."""
    result = (3.0,) if type(args[0]) is float else (np.ones(3),)
    namespace = {"R": result}
    exec("def fused(%s): return R" % ", ".join("x%d" % i for i in range(len(args))),
         namespace)
    fused = namespace["fused"]
    g = srcgrad.grad(f, mode="compile")
    g(*args)
    key_of, key, hit = g._last
    hit = (hit[0], hit[1], fused) + tuple(hit[3:4])
    if hasattr(g, "_fast"):
        from srcgrad import api
        from srcgrad.signature import fast_call
        plain = hit[3]
        g._fast = fast_call(tuple(map(type, args)), g.positions, args, fused, plain[0],
                            plain[4], api._give_kind, None, api._COMPLEX_STATE)
        hit = hit + (g._fast,)
    g._last = (key_of, key, hit)
    assert g(*args) is result[0]
    space = {"g": g, "fused": fused, "args": args}

    def best(stmt):
        return min(timeit.repeat(stmt, globals=space, number=50000, repeat=15,
                                 timer=CPU)) / 50000
    return best("g(*args)") - best("fused(*args)")


def main():
    quick = "--quick" in sys.argv
    with tempfile.TemporaryDirectory(prefix="srcgrad-bench-") as folder:
        ms = transform_cpu(TRANSFORM_SOURCE, "block", (1, 2, 3, 4, 5, 6), T._args(),
                           5 if quick else 15, folder, "thirty")
        print("transform, 30-line function: %.1f ms CPU" % (ms * 1e3))
        for n in ((100,) if quick else T.CURVE):
            ms = transform_cpu(T.chain_source(n), "chain", (0, 1, 2), T._chain_args(),
                               max(3, min(15, 3000 // n)), folder, "chain%d" % n)
            print("transform, %d statements: %.1f ms CPU" % (n, ms * 1e3))
    cases = [("float", o.tiny, (1.5,))] + [
        ("%d arrays" % k, getattr(o, "arrays%d" % k),
         tuple(np.linspace(0.5, 1.5, 3) * (i + 1) for i in range(k))) for k in o.ARGUMENTS]
    for label, f, args in cases:
        g = srcgrad.grad(f, mode="compile")
        g(*args)
        c = g._compiled_for(args).fused("grad")
        real = overhead_cpu(g, c, args, repeats=40 if quick else 200)
        bare = bare_overhead(f, args)
        print("overhead, %s: %.2f us over the generated code; %.2f us over a bare call"
              % (label, real * 1e6, bare * 1e6))


if __name__ == "__main__":
    main()
