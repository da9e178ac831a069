"""JAX parity on the compiler's corpus (tests/compiler/corpus): every case and
input, run once more under JAX (tests/forward/jaxbind.py re-binds the function,
its closures and the user functions it calls to ``jax.numpy``), and

* ``srcgrad.jvp`` (``mode="compile"`` and ``"tape"``) against ``jax.jvp``
  along the same random tangent;
* ``srcgrad.hvp`` (compile and tape), for real scalar functions, against JAX's
  forward-over-reverse ``jax.jvp(jax.grad(f), x, v)``;

to ``rtol=1e-7`` (``atol`` 1e-9 scaled to the magnitude of the leaf).

Counted, not failed: cases JAX cannot run (in-place updates of arrays,
``float()`` of a traced value, NumPy-only names, objects whose methods were
written against NumPy) or whose JAX copy computes a different value than NumPy
(checked before any derivative, so a re-binding artefact is never taken for a
srcgrad bug); inputs srcgrad refuses (compile) or the tape cannot run twice.
``python tests/forward/test_jax_corpus.py`` prints the counts (docs/forward.md).

Complex arguments: a JVP has no convention (both give d/de f(z + e t)).
Gradients do: srcgrad's is PyTorch's ``dL/dx + i dL/dy``, JAX's ``jax.grad`` is
its conjugate, so JAX's ``jvp(grad f)`` is conjugated before comparing
(docs/semantics.md, "Complex numbers").

The bulk is ``@pytest.mark.slow`` (JAX runs eagerly, op by op: the whole
corpus takes minutes); the default run keeps every twentieth case (each of its
inputs) as a sample.
"""

import collections
import copy
import sys

import numpy as np
import pytest

jax = pytest.importorskip("jax", reason="jax is an optional second oracle (pip install jax)")
jax.config.update("jax_enable_x64", True)
jnp = jax.numpy

if __name__ == "__main__":     # run as a script: the paths tests/forward/conftest.py sets
    import os
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(
        os.path.abspath(__file__))), "compiler"))

import srcgrad                                          # noqa: E402
from srcgrad.errors import SrcgradSyntaxError           # noqa: E402

from corpus import all_cases                            # noqa: E402
from helpers import random_tangent, moves, is_float_leaf  # noqa: E402
from jaxbind import rebind                              # noqa: E402

RTOL = 1e-7
ATOL = 1e-9
CASES = all_cases()
SAMPLE = {case.name for case in CASES[::20]}


class Skip(Exception):
    """An input not compared, with the category it is counted in."""

    def __init__(self, category, detail):
        super().__init__("%s: %s" % (category, detail))
        self.category = category


# ---------------------------------------------------------------------------
# trees: float leaves of a value, picked in the same order from a tree shaped
# like it (a tangent, a gradient, JAX's output, whose dicts may be re-ordered)

def _is_float(x):
    if isinstance(x, jax.Array):
        return x.dtype.kind in "fc"
    return is_float_leaf(x)


def pick(tree, like):
    """The leaves of ``tree`` where ``like`` has a float leaf."""
    if isinstance(like, dict):
        return [leaf for key in like for leaf in pick(tree[key], like[key])]
    if isinstance(like, (list, tuple)):
        if len(tree) != len(like):
            raise ValueError("structures differ")
        return [leaf for t, v in zip(tree, like) for leaf in pick(t, v)]
    return [tree] if _is_float(like) else []


def put(like, new):
    """``like`` with its float leaves replaced by ``new`` (an iterator)."""
    if isinstance(like, dict):
        return {key: put(v, new) for key, v in like.items()}
    if isinstance(like, (list, tuple)):
        items = [put(v, new) for v in like]
        return type(like)(*items) if hasattr(type(like), "_fields") else type(like)(items)
    return next(new) if _is_float(like) else like


def assert_close(got, want, what):
    assert len(got) == len(want), "%s: %d leaves, JAX has %d" % (what, len(got), len(want))
    for j, (g, w) in enumerate(zip(got, want)):
        w = np.asarray(w)
        g = np.zeros_like(w) if g is None else np.asarray(g)
        kind = complex if np.iscomplexobj(g) or np.iscomplexobj(w) else float
        scale = max(1.0, float(np.max(np.abs(w)))) if w.size else 1.0
        np.testing.assert_allclose(g.astype(kind), w.astype(kind), rtol=RTOL,
                                   atol=ATOL * scale, err_msg="%s, leaf %d" % (what, j))


# ---------------------------------------------------------------------------
# the JAX side (run once per input and transform, shared by both engines)

def _setup(case, k):
    args = copy.deepcopy(case.inputs[k])
    rng = np.random.default_rng(k + 17 * len(case.name))
    tangents = [random_tangent(a, rng) if i in case.wrt else None
                for i, a in enumerate(args)]
    if not any(moves(t) for t in tangents):
        raise Skip("no float argument", "no differentiated argument holds floats")
    try:
        value = case.fn(*copy.deepcopy(args))
    except Exception as e:          # noqa: BLE001 -- the corpus's own failures
        raise Skip("the function raises", type(e).__name__)
    return args, tangents, value


def _jax_function(case, args):
    """``g(*leaves)``: the JAX copy of ``case.fn`` on the float leaves of its
    differentiated arguments (the rest of the arguments held as they are)."""
    fj = rebind(case.fn)
    held = [rebind(a) for a in args]
    counts = [len(pick(args[i], args[i])) for i in case.wrt]

    def g(*leaves):
        a, it = list(copy.deepcopy(held)), iter(leaves)
        for i, n in zip(case.wrt, counts):
            a[i] = put(args[i], iter([next(it) for _ in range(n)]))
        return fj(*a)
    primals = [jnp.asarray(leaf) for i in case.wrt for leaf in pick(args[i], args[i])]
    return g, primals


def _jax_run(what, thunk, value):
    try:
        out = thunk()
    except Exception as e:          # noqa: BLE001 -- whatever JAX cannot run
        raise Skip("not runnable under JAX", "%s: %s" % (
            type(e).__name__, (str(e).strip().splitlines() or [""])[0][:160]))
    primal = out[0]
    try:
        want, got = pick(value, value), pick(primal, value)
        assert_close(got, want, "value")
    except (AssertionError, ValueError, KeyError, TypeError, IndexError) as e:
        raise Skip("not runnable under JAX", "the JAX copy computes a different value (%s)"
                   % str(e).strip().splitlines()[0][:120])
    return out


_JAX = {}


def jax_jvp(case, k):
    key = ("jvp", case.name, k)
    if key not in _JAX:
        try:
            args, tangents, value = _setup(case, k)
            g, primals = _jax_function(case, args)
            ts = [jnp.asarray(t) for i in case.wrt for t in pick(tangents[i], args[i])]
            out = _jax_run("jvp", lambda: jax.jvp(g, tuple(primals), tuple(ts)), value)
            _JAX[key] = (args, tangents, value, out)
        except Skip as e:
            _JAX[key] = e
    if isinstance(_JAX[key], Skip):
        raise _JAX[key]
    return _JAX[key]


def _real_scalar(value):
    return np.ndim(value) == 0 and not np.iscomplexobj(value) and \
        isinstance(value, (float, np.floating, np.ndarray, int))


def jax_hvp(case, k):
    key = ("hvp", case.name, k)
    if key not in _JAX:
        try:
            if case.reason(k):
                raise Skip("known corpus failure", case.reason(k))
            args, _, value = _setup(case, k)
            if not _real_scalar(value):
                raise Skip("not a real scalar function", type(value).__name__)
            rng = np.random.default_rng(3 + k)
            vs = [random_tangent(args[i], rng) for i in case.wrt]
            if not all(moves(v) for v in vs):
                raise Skip("no float argument", "a differentiated argument holds no floats")
            g, primals = _jax_function(case, args)
            grad = jax.grad(g, argnums=tuple(range(len(primals))))
            ts = [jnp.asarray(t) for i, v in zip(case.wrt, vs) for t in pick(v, args[i])]

            def both():
                return g(*primals), jax.jvp(grad, tuple(primals), tuple(ts))[1]
            out = _jax_run("hvp", both, value)
            _JAX[key] = (args, vs, out[1])
        except Skip as e:
            _JAX[key] = e
    if isinstance(_JAX[key], Skip):
        raise _JAX[key]
    return _JAX[key]


# ---------------------------------------------------------------------------
# the srcgrad side

def _srcgrad(mode, thunk):
    try:
        return thunk()
    except SrcgradSyntaxError as e:
        if mode == "compile":
            raise Skip("refused by srcgrad", e.bare_msg.strip().splitlines()[0][:160])
        raise Skip("refused by srcgrad", "tape: " + str(e).strip().splitlines()[0][:160])
    except (SyntaxError, NotImplementedError) as e:
        raise Skip("refused by srcgrad", "%s: %s" % (type(e).__name__,
                                                     str(e).strip().splitlines()[0][:160]))
    except Exception as e:          # noqa: BLE001
        if mode == "compile":
            raise
        raise Skip("refused by srcgrad", "the tape cannot run it: %s: %s" % (
            type(e).__name__, str(e).strip().splitlines()[0][:160]))


def check_jvp(case, k, mode):
    args, tangents, value, (jprimal, jtangent) = jax_jvp(case, k)
    out, t = _srcgrad(mode, lambda: srcgrad.jvp(case.fn, tuple(copy.deepcopy(args)),
                                                tuple(tangents), mode=mode))
    assert_close(pick(t, value) if t is not None else [None] * len(pick(value, value)),
                 pick(jtangent, value), "%s[input %d] jvp (%s)" % (case.name, k, mode))


def check_hvp(case, k, mode):
    args, vs, jhv = jax_hvp(case, k)
    hv = _srcgrad(mode, lambda: srcgrad.hvp(case.fn, wrt=case.wrt, mode=mode)(
        *copy.deepcopy(args), tuple(vs)))
    # case.wrt is a tuple: hvp answers a tuple over it
    got = [leaf for i, h in zip(case.wrt, hv) for leaf in pick(h, args[i])]
    # JAX's gradient of a real function of z = x + iy is dL/dx - i dL/dy, the
    # conjugate of srcgrad's (PyTorch's): conjugate JAX's complex leaves
    want = [np.conj(w) if np.iscomplexobj(w) else w for w in jhv]
    assert_close(got, want, "%s[input %d] hvp (%s)" % (case.name, k, mode))


CHECKS = {"jvp": check_jvp, "hvp": check_hvp}


def check(transform, case, k, mode):
    try:
        CHECKS[transform](case, k, mode)
    except Skip as e:
        pytest.skip(str(e))


#: refused at run time by a rule, in compiled code (as in test_jvp_corpus.py)
RUNTIME_REFUSED = {
    ("jvp", "compile", "linalg.orthonormal_projector"): (
        ValueError, "np.linalg.qr(a, mode='complete') of a tall matrix: its JVP rule refuses "
        "(Q's extra columns are not determined by a)"),
}


def _params(transform):
    out = []
    for case in CASES:
        for k in range(len(case.inputs)):
            for mode in ("compile", "tape"):
                marks = [] if case.name in SAMPLE else [pytest.mark.slow]
                refused = RUNTIME_REFUSED.get((transform, mode, case.name))
                if refused:
                    marks.append(pytest.mark.xfail(raises=refused[0], reason=refused[1],
                                                   strict=True))
                out.append(pytest.param(case, k, mode, marks=marks,
                                        id="%s[input %d]-%s" % (case.name, k, mode)))
    return out


@pytest.mark.parametrize("case,k,mode", _params("jvp"))
def test_jvp_agrees_with_jax(case, k, mode):
    check("jvp", case, k, mode)


@pytest.mark.parametrize("case,k,mode", _params("hvp"))
def test_hvp_agrees_with_jax(case, k, mode):
    check("hvp", case, k, mode)


def _one(transform, case, k, mode):
    """The category one comparison falls in (AssertionError when they disagree)."""
    try:
        CHECKS[transform](case, k, mode)
        return "compared, agree"
    except Skip as e:
        return e.category
    except Exception as e:      # noqa: BLE001
        refused = RUNTIME_REFUSED.get((transform, mode, case.name))
        if refused and isinstance(e, refused[0]):
            return "refused by srcgrad"
        raise


def census(out=sys.stdout):
    """Run every check; print the counts per transform and engine."""
    tally, failures = collections.OrderedDict(), []
    for transform in ("jvp", "hvp"):
        for mode in ("compile", "tape"):
            counts = collections.Counter()
            for case in CASES:
                for k in range(len(case.inputs)):
                    try:
                        counts[_one(transform, case, k, mode)] += 1
                    except Exception as e:      # noqa: BLE001
                        counts["DISAGREE"] += 1
                        failures.append("%s %s %s[%d]: %s" % (
                            transform, mode, case.name, k,
                            str(e).strip().splitlines()[0][:300]))
            tally[(transform, mode)] = counts
            print("%s %-7s %s" % (transform, mode, dict(sorted(counts.items()))), file=out)
    for f in failures:
        print("  " + f, file=out)
    return tally, failures


if __name__ == "__main__":
    census()
