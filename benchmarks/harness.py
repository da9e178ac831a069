"""What every benchmark case shares: contender names, optional peers, the
agreement check, and interleaved timing with medians.

A *contender* is a zero-argument callable that computes the case's value and
gradient once and returns ``(value, grads)``, ``grads`` a tuple of arrays or
floats.  Before anything is timed, every contender's value and gradient are
compared with the hand-written code's (``np.allclose``); a contender that
disagrees is reported as WRONG and not timed.
"""

import statistics
import time

import numpy as np

HAND = "hand-written NumPy"
COMPILED = "srcgrad compiled"
TAPE = "srcgrad tape"
AUTOGRAD = "HIPS autograd"
TORCH = "torch eager"
JAX = "jax.jit(grad)"
NUMBA = "srcgrad numba"     # value_and_grad(..., backend="numba"): cases sinloop and rnn
ORDER = (HAND, COMPILED, NUMBA, TAPE, AUTOGRAD, TORCH, JAX)


class Skip(Exception):
    """A contender that cannot run this case (peer not installed, construct
    not expressible); the message says why."""


def need(module):
    """Import an optional peer, or raise :class:`Skip`."""
    try:
        return __import__(module)
    except ImportError:
        raise Skip("not installed") from None


def torch():
    return need("torch")


def jax():
    """``jax`` with float64 enabled (the other contenders all run float64)."""
    jx = need("jax")
    jx.config.update("jax_enable_x64", True)
    return jx


def numba_contender(fun, wrt, args, notes):
    """``srcgrad.value_and_grad(fun, wrt=wrt, mode="compile",
    backend="numba")`` as a contender: its first call (Numba's compile) is
    made and timed here, outside the timings, and reported in ``notes``; a
    fallback to the NumPy backend is a failure of this contender."""
    need("numba")
    import srcgrad
    vg = srcgrad.value_and_grad(fun, wrt=wrt, mode="compile", backend="numba")
    start = time.perf_counter()
    vg(*args)
    first = time.perf_counter() - start
    explained = srcgrad.explain(fun, *args, wrt=wrt, mode="compile", backend="numba")
    if explained.backend != "numba":
        raise RuntimeError("the NumPy backend ran it: %s" % explained.backend_reason)
    notes.append("%s: its first call, which Numba compiles, took %.1f s (not in the "
                 "timings)." % (NUMBA, first))
    return lambda: vg(*args)


def build(makers):
    """``makers``: name -> factory returning a contender.  Returns
    ``(contenders, skipped)``; a factory that raises is recorded as skipped."""
    contenders, skipped = {}, {}
    for name, make in makers.items():
        try:
            contenders[name] = make()
        except Skip as err:
            skipped[name] = str(err)
        except Exception as err:    # a peer or srcgrad failing to build is a finding
            skipped[name] = "FAILED: %s: %s" % (type(err).__name__, str(err).splitlines()[0]
                                                if str(err) else "")
    return contenders, skipped


def _leaves(x):
    if isinstance(x, (tuple, list)):
        for item in x:
            yield from _leaves(item)
    else:
        yield x


def _numpy(x):
    if hasattr(x, "detach"):            # a torch or srcgrad tensor
        x = x.detach()
    if hasattr(x, "numpy"):
        x = x.numpy()
    return np.asarray(x, dtype=float)


def agree(result, reference, rtol, atol):
    """``None`` when ``result`` matches ``reference`` leaf by leaf, else a reason."""
    got, ref = list(_leaves(result)), list(_leaves(reference))
    if len(got) != len(ref):
        return "returned %d values and gradients, expected %d" % (len(got), len(ref))
    for k, (a, b) in enumerate(zip(got, ref)):
        a, b = _numpy(a), _numpy(b)
        if a.shape != b.shape and a.size != b.size:
            return "output %d has shape %s, expected %s" % (k, a.shape, b.shape)
        if not np.allclose(a.reshape(b.shape), b, rtol=rtol, atol=atol):
            err = np.max(np.abs(a.reshape(b.shape) - b))
            return "output %d differs from hand-written by up to %.3g" % (k, err)
    return None


def check(contenders, skipped, rtol=1e-7, atol=1e-10, tolerances=None):
    """Drop every contender that disagrees with the hand-written one (recorded
    in ``skipped`` as WRONG).  ``tolerances``: name -> (rtol, atol) overrides
    (e.g. for a float32 contender).  Returns the names found wrong."""
    ref = contenders[HAND]()
    wrong = []
    for name in list(contenders):
        if name == HAND:
            continue
        try:
            got = contenders[name]()
        except Exception as err:
            skipped[name] = "FAILED: %s: %s" % (type(err).__name__, str(err).splitlines()[0]
                                                if str(err) else "")
            del contenders[name]
            continue
        r, a = (tolerances or {}).get(name, (rtol, atol))
        why = agree(got, ref, r, a)
        if why is not None:
            skipped[name] = "WRONG: %s (not timed)" % why
            del contenders[name]
            wrong.append(name)
    return wrong


def timed(fn, number):
    """Seconds per call of ``fn`` over ``number`` calls in a row."""
    start = time.perf_counter()
    for _ in range(number):
        fn()
    return (time.perf_counter() - start) / number


def calibrate(fn, sample):
    """How many calls in a row make one sample of about ``sample`` seconds."""
    number = 1
    while True:
        t = timed(fn, number) * number
        if t >= sample / 4 or number >= 1 << 20:
            return max(1, int(round(number * sample / max(t, 1e-9))))
        number *= 4


def interleaved(contenders, repeats, sample):
    """Median seconds per call of each contender.  Every repeat times each
    contender once, in turn (about ``sample`` seconds each), so drift in the
    machine's speed hits them all alike."""
    numbers = {}
    for name, fn in contenders.items():     # warm-up: compile, allocate, load
        fn()
        numbers[name] = calibrate(fn, sample)
    samples = {name: [] for name in contenders}
    for _ in range(repeats):
        for name, fn in contenders.items():
            samples[name].append(timed(fn, numbers[name]))
    return {name: {"median": statistics.median(s), "min": min(s), "number": numbers[name],
                   "samples": s}
            for name, s in samples.items()}


def paired_ratio(times, name, reference):
    """Median over the repeats of ``name``'s time divided by ``reference``'s
    time in the same repeat: the two were measured next to each other, so a
    change in the machine's load between repeats cancels out."""
    return statistics.median(a / b for a, b in zip(times[name]["samples"],
                                                   times[reference]["samples"]))


def ordered(names):
    rank = {n: i for i, n in enumerate(ORDER)}
    return sorted(names, key=lambda n: rank.get(n, len(ORDER)))


def gradient_case(key, title, makers, cfg, rtol=1e-7, atol=1e-10, tolerances=None,
                  unit="us", notes=()):
    """Build, check and time the contenders of a loss-and-gradient case; the
    result dict that ``run.py`` reports."""
    contenders, skipped = build(makers)
    if HAND not in contenders:
        raise RuntimeError("case %s: the hand-written reference failed: %s"
                           % (key, skipped.get(HAND)))
    wrong = check(contenders, skipped, rtol, atol, tolerances)
    times = interleaved(contenders, cfg.repeats, cfg.sample)
    rows = [{"name": n, "seconds": times[n]["median"], "min_seconds": times[n]["min"],
             "number": times[n]["number"], "ratio": paired_ratio(times, n, HAND)}
            for n in ordered(times)]
    return {"key": key, "title": title, "unit": unit, "rows": rows,
            "skipped": {n: skipped[n] for n in ordered(skipped)}, "wrong": wrong,
            "notes": list(notes)}
