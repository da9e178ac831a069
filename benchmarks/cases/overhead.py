"""(h) Cached-call overhead: ``grad(f)(x)`` against calling the generated
function and its pullback directly, on ``f(x) = x * x + 1.0``.  The
difference is what ``GradFunction`` adds per call: argument checks, finding
the compiled code for the arguments' kinds, the seed, converting results."""

import srcgrad

from harness import interleaved


def tiny(x):
    return x * x + 1.0


def overhead(cfg):
    g = srcgrad.grad(tiny, mode="compile")
    x = 1.5
    if g(x) != 3.0:
        raise SystemExit("grad(tiny)(1.5) = %r, expected 3.0" % g(x))
    c = g._compiled_for((x,)).fn
    ans, pb = c(x)
    if ans != tiny(x) or pb(1.0)[0] != 3.0:
        raise SystemExit("the compiled function of tiny disagrees: %r" % ((ans, pb(1.0)),))

    def direct():
        ans, pb = c(x)
        return pb(1.0)

    def wrapped():
        return g(x)
    t = interleaved({"grad(f)(x)": wrapped, "generated fn + pullback": direct},
                    cfg.repeats, cfg.sample)
    rows = [{"name": n, "seconds": t[n]["median"], "min_seconds": t[n]["min"],
             "number": t[n]["number"], "ratio": None} for n in t]
    over = t["grad(f)(x)"]["median"] - t["generated fn + pullback"]["median"]
    rows.append({"name": "overhead (difference)", "seconds": over, "min_seconds": None,
                 "number": None, "ratio": None})
    return {"key": "overhead", "unit": "us", "overhead_seconds": over,
            "title": "cached-call overhead of grad(f)(x), f(x) = x * x + 1.0 on a float",
            "rows": rows, "skipped": {}, "wrong": [], "notes": []}
