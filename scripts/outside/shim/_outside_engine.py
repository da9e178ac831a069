"""What the shim's entry points do under srcgrad: take a VJP in the chosen
mode, and check it against central finite differences (``_outside_fd``).

``check_case`` is one test-suite case (``check_grads``: first-order reverse
mode); ``check_example`` is an example's gradient call (then the example stops).
"""

import itertools
import linecache
import math
import numbers

import numpy as np

import _outside as st
import _outside_fd as fd

_counter = itertools.count(1)


def srcgrad():
    import srcgrad as sg
    return sg


def _literal(v):
    if v is None or isinstance(v, (bool, int, str)):
        return True
    if isinstance(v, float):
        return math.isfinite(v)
    if isinstance(v, (tuple, list)):
        return all(_literal(x) for x in v)
    return False


def bind_kwargs(fun, nargs, kwargs):
    """A function of ``nargs`` positional parameters that calls
    ``fun(a0, ..., **kwargs)``, written as source (registered in linecache, so
    the compiler reads it like a user's own wrapper)."""
    if not kwargs:
        return fun
    ns = {"fun": fun}
    parts = []
    for k, v in kwargs.items():
        if _literal(v):
            parts.append("%s=%r" % (k, v))
        else:
            ns["_kw_" + k] = v
            parts.append("%s=_kw_%s" % (k, k))
    params = ", ".join("a%d" % i for i in range(nargs))
    src = "def case(%s):\n    return fun(%s)\n" % (params, ", ".join(
        ([params] if params else []) + parts))
    filename = "<outside-case-%d>" % next(_counter)
    linecache.cache[filename] = (len(src), None, src.splitlines(True), filename)
    exec(compile(src, filename, "exec"), ns)
    return ns["case"]


def subvals(args, positions, x):
    args = list(args)
    if isinstance(positions, int):
        args[positions] = x
    else:
        for i, xi in zip(positions, x):
            args[i] = xi
    return tuple(args)


def take(args, positions):
    return args[positions] if isinstance(positions, int) else tuple(args[i] for i in positions)


_WATCHED = """
def watched(fun, *args, **kwargs):
    ran.append(getattr(fun, "__qualname__", None) or repr(fun)[:60])
    return orig(fun, *args, **kwargs)
"""


class TapeWatch:
    """Which functions actually ran on the tape while srcgrad computed a
    gradient: ``srcgrad.api`` and ``srcgrad.bridge`` call ``tape_vjp`` for the
    whole-function fallback and for mixed mode; both names are wrapped for
    the duration.  An observation independent of ``explain``."""

    def __init__(self):
        self.ran = []

    def __enter__(self):
        import srcgrad.api as api
        import srcgrad.bridge as bridge
        self.saved = [(m, m.tape_vjp) for m in (api, bridge)]
        for mod, orig in self.saved:
            mod.tape_vjp = self._wrap(orig)
        return self

    def _wrap(self, orig):
        # compiled under a file name inside srcgrad/, so that srcgrad's error
        # messages, which name the innermost frame outside srcgrad, skip it
        import os
        import srcgrad as sg
        ns = {"orig": orig, "ran": self.ran}
        exec(compile(_WATCHED, os.path.join(os.path.dirname(sg.__file__), "<outside-watch>"),
                     "exec"), ns)
        return ns["watched"]

    def __exit__(self, *exc):
        for mod, orig in self.saved:
            mod.tape_vjp = orig
        return False


def engine_of(target, args, positions):
    """How srcgrad ran it: "compiled", "compiled+tape calls: ..." or "tape: reason"."""
    if st.MODE == "tape":
        return "tape"
    try:
        ex = srcgrad().explain(target, *args, wrt=positions, mode=st.MODE)
    except Exception as err:  # explain itself failing is worth knowing, not fatal
        return "explain failed: %s" % (str(err).splitlines() or [""])[0][:200]
    if ex.engine == "tape":
        return "tape: %s" % ex.reason
    if ex.engine == "rule":
        return "rule"
    if ex.tape_calls:
        return "compiled+tape calls: " + "; ".join("%s (%s)" % (n, w) for n, w in ex.tape_calls)
    return "compiled"


def autograd_convention(tree):
    """A cotangent tree between srcgrad's complex convention (PyTorch's:
    ``dL/dx + i dL/dy``) and autograd's (the conjugate): complex leaves
    conjugated, real ones untouched (the map is its own inverse).  Every place
    the shim hands autograd code a srcgrad gradient, or srcgrad an autograd
    cotangent or rule, goes through it, so autograd's complex tests measure
    the rule table, not the convention."""
    def one(x):
        return np.conj(x) if np.iscomplexobj(x) else x
    return fd.tree_map(one, tree)


def srcgrad_vjp(fun, args, kwargs, positions):
    """``(ans, vjp, target)`` from ``srcgrad.vjp`` in the chosen mode; ``vjp``
    takes and returns cotangents in autograd's convention."""
    target = bind_kwargs(fun, len(args), kwargs)
    wrt = (positions,) if isinstance(positions, int) else tuple(positions)
    ans, pullback = srcgrad().vjp(target, *args, wrt=wrt, mode=st.MODE)

    def vjp(ct):
        cts = autograd_convention(pullback(autograd_convention(ct)))
        return cts[0] if isinstance(positions, int) else tuple(cts)
    return ans, vjp, target


def _values_agree(a, b):
    try:
        la, lb = fd.leaves(a), fd.leaves(b)
        if len(la) != len(lb):
            return False
        for x, y in zip(la, lb):
            x, y = np.asarray(x), np.asarray(y)
            if x.shape != y.shape:
                return False
            if x.dtype.kind in "fc" or y.dtype.kind in "fc":
                if not np.allclose(x, y, rtol=1e-7, atol=1e-9, equal_nan=True):
                    return False
            elif not np.array_equal(x, y):
                return False
        return True
    except Exception:
        return False


def _floatify(x):
    """An int leaf of a differentiated argument becomes float (autograd's
    vspace of an int is float for finite differences)."""
    return fd.tree_map(lambda a: np.asarray(a, dtype=float) if isinstance(a, np.ndarray) and
                       a.dtype.kind in "iub" else (float(a) if isinstance(a, numbers.Integral)
                                                   and not isinstance(a, bool) else a), x)


# ------------------------------------------------------------ the suite

def check_case(fun, argnum, args, kwargs, modes, order):
    """One ``check_grads`` call: its first-order reverse-mode check, recorded."""
    st.state["checks"] += 1
    rec = {"kind": "case", "fun": getattr(fun, "__name__", repr(fun))[:80],
           "argnum": argnum, "args": st.shapes(args),
           "kwargs": {k: repr(v)[:40] for k, v in kwargs.items()},
           "fwd": "fwd" in modes, "order": order}
    if "rev" not in modes:
        rec["result"] = "out-of-scope"
        rec["message"] = "forward mode only (issue 11)"
        return st.record(rec)
    rng = np.random.RandomState(st.state["checks"] % (2 ** 31))

    def f(x):
        return reference(fun, subvals(args, argnum, x), kwargs)
    x = take(args, argnum)
    try:
        y = f(x)
    except Exception as err:
        if isinstance(err, (st.OutOfScope, st.Unmappable)):
            rec.update(st.describe_error(err))
        else:
            rec.update(result="invalid", message="the case fails in plain NumPy: %s: %s" % (
                type(err).__name__, (str(err).splitlines() or [""])[0][:200]))
        return st.record(rec)
    try:
        with TapeWatch() as watch:
            ans, vjp, target = srcgrad_vjp(fun, args, kwargs, argnum)
        rec["engine"] = engine_of(target, args, argnum) if st.MODE == "auto" else st.MODE
        if watch.ran and st.MODE != "tape":
            rec["tape_ran"] = sorted(set(watch.ran))
            if rec["engine"] in ("compiled", "rule", "compile"):
                rec["engine"] = "ran on the tape (explain says %s)" % rec["engine"]
        if not _values_agree(ans, y):
            rec.update(result="wrong", message="srcgrad's forward value differs from NumPy's")
            return st.record(rec)
        check = fd.check_vjp(f, x, vjp, rng, y=y)
    except Exception as err:
        rec.update(st.describe_error(err))
        return st.record(rec)
    rec.update(result="pass" if check["ok"] else "wrong", analytic=check["analytic"],
               numeric=check["numeric"], how=check["how"])
    if not check["ok"]:
        rec["message"] = "VJP disagrees with central differences"
        if "test_tests.py" in (st.state["test"] or ""):
            rec["result"] = "planted-wrong"   # the checker's self-tests plant wrong VJPs
    return st.record(rec)


def reference(fun, args, kwargs):
    """``fun`` run on plain NumPy values (the oracle's side).  A derivative
    operator called inside it is higher order: issue 11's scope."""
    depth = st.state.get("reference", 0)
    st.state["reference"] = depth + 1
    try:
        return fun(*args, **kwargs)
    finally:
        st.state["reference"] = depth


# ------------------------------------------------------------ the examples

def check_example(kind, fun, argnum, args, kwargs, has_aux=False):
    """An example's gradient call: srcgrad's VJP in the chosen mode against
    central differences of the same objective (RNGs replayed, so stochastic
    objectives draw the same samples), recorded.  Raises ``StopExample``
    once a user function's gradient was checked; a NumPy callable's gradient
    (``grad(np.sqrt)``) is checked and the example goes on."""
    rec = {"kind": "example-check", "op": kind, "fun": getattr(fun, "__qualname__",
                                                                repr(fun))[:80],
           "argnum": argnum, "args": st.shapes(args)}
    code = getattr(fun, "__code__", None)
    if code is not None:
        rec["def"] = "%s:%s" % (code.co_filename.rsplit("/", 1)[-1], code.co_firstlineno)
    if getattr(fun, "_outside_derivative", False):
        rec.update(result="out-of-scope", message="a derivative of a derivative (issue 11)")
        st.record(rec)
        raise st.StopExample()
    replay = st.Replay(fun)
    args = tuple(args)
    positions = argnum

    def f(x):
        replay.restore()
        out = fun(*subvals(args, positions, x), **kwargs)
        return out[0] if has_aux else out
    x = _floatify(take(args, positions))
    try:
        y = f(x)
    except Exception as err:
        rec.update(result="harness-error", message="the objective fails in plain NumPy: %s: %s"
                   % (type(err).__name__, (str(err).splitlines() or [""])[0][:200]))
        st.record(rec)
        raise st.StopExample()
    st.record(dict(rec, kind="example-check-start"))
    result, _ = _check_at(kind, fun, argnum, args, kwargs, has_aux, f, x, y, rec, replay)
    if rec.get("kink"):   # not differentiable at the caller's point: judge nearby instead
        rng = np.random.RandomState(7)
        x2 = fd.tree_map(lambda a: a + 1e-3 * (np.std(a) + 1e-2) * rng.standard_normal(
            np.shape(a)) if np.ndim(a) else a + 1e-3 * rng.standard_normal(), x)
        args2 = subvals(args, positions, x2)
        y2 = f(x2)
        rec2 = dict(rec)
        _check_at(kind, fun, argnum, args2, kwargs, has_aux, f, x2, y2, rec2, replay)
        rec2["how"] = "the caller's point is a kink (one-sided differences disagree); " \
            "checked at a point 1e-3 away: " + str(rec2.get("how"))
        if rec2.get("kink") and rec2.get("result") == "WRONG":
            rec2["result"] = "unverified"   # not differentiable there either: FD cannot judge
        rec.clear()
        rec.update(rec2)
    st.record(rec)
    if rec["result"] in ("refused", "srcgrad-error", "harness-error", "out-of-scope"):
        raise st.StopExample()
    st.state["example_checks"].append(rec)
    if st.is_user_function(fun) or len(st.state["example_checks"]) >= st.MAX_EXAMPLE_CHECKS:
        raise st.StopExample()
    return result


def _check_at(kind, fun, argnum, args, kwargs, has_aux, f, x, y, rec, replay):
    """srcgrad's gradient of ``fun`` at ``args`` against differences of ``f``
    (``f(x) == y``); fills ``rec``; returns what the user's call returns."""
    positions = argnum
    result = None
    try:
        if kind in ("grad", "value_and_grad"):
            gf = srcgrad().grad(fun, wrt=argnum, has_aux=has_aux, mode=st.MODE)
            replay.restore()
            with TapeWatch() as watch:
                g = gf(*args, **kwargs)
            if has_aux:
                g, _ = g
            g = result = autograd_convention(g)

            def vjp(u):
                return fd.tree_map(lambda gi: gi * u, g)
            target = bind_kwargs(fun, len(args), kwargs)
        else:
            replay.restore()
            with TapeWatch() as watch:
                ans, vjp, target = srcgrad_vjp(fun, args, kwargs, positions)
                vjp = _watched_pullback(vjp, watch)
            result = (ans, vjp)
        rec["engine"] = engine_of(target, args, positions)
        rec["tape_ran"] = sorted(set(watch.ran))
        if watch.ran and rec["engine"].startswith(("compiled", "rule")) and st.MODE != "tape":
            rec["engine"] = "ran on the tape: %s (explain says %r)" % (
                ", ".join(rec["tape_ran"]), rec["engine"])
        check = fd.check_vjp(f, x, vjp, np.random.RandomState(0), y=y, kinks=True)
        if check["ok"] and kind in ("grad", "value_and_grad") and np.ndim(y) == 0:
            check = _coordinates(f, x, result, check)
    except st.StopExample:
        raise
    except Exception as err:
        d = st.describe_error(err)
        rec.update(d)
        rec["result"] = {"refused": "refused", "out-of-scope": "out-of-scope",
                         "unmappable": "harness-error"}.get(d["result"], "srcgrad-error")
        return None, rec
    rec.update(result="right" if check["ok"] else "WRONG", analytic=check["analytic"],
               numeric=check["numeric"], how=check["how"], kink=check.get("kink", False))
    return result, rec


def _watched_pullback(vjp, watch):
    def pullback(ct):
        with watch:
            return vjp(ct)
    return pullback


def _coordinates(f, x, g, check, count=3):
    """Also a few coordinates of the gradient (the largest and two random
    ones) against one-dimensional central differences."""
    vec, unflatten = fd.flatten(x)
    gvec, _ = fd.flatten(g)
    if vec.size == 0 or gvec.size != vec.size or np.iscomplexobj(vec):
        return check
    rng = np.random.RandomState(1)
    picks = [int(np.argmax(np.abs(gvec)))] + list(rng.randint(0, vec.size, size=count - 1))
    for i in picks:
        ok = False
        for eps in (1e-6,) + fd.LOOSE_EPS:
            e = np.zeros_like(vec)
            e[i] = eps / 2
            num = (float(np.real(f(unflatten(vec + e)))) -
                   float(np.real(f(unflatten(vec - e))))) / eps
            if fd.scalar_close(gvec[i], num, tol=1e-6 * max(1.0, abs(num)),
                               rtol=fd.LOOSE_RTOL):
                ok = True
                break
        if not ok:
            e = np.zeros_like(vec)
            e[i] = 1.0
            return {"ok": False, "analytic": float(gvec[i]), "numeric": num,
                    "how": "coordinate %d mismatch" % i,
                    "kink": fd.is_kink(f, x, unflatten(e), 1.0, f(x))}
    check = dict(check)
    check["how"] += " +%d coordinates" % len(picks)
    return check
