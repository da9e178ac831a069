"""The outside probe set (issue 9, "done when"): the programs of ``probes_*.py`` (listed
in ``probes.py``), each run in three engines (``compile``, ``tape``, ``auto``) and classified:

``right``  value and gradient match central finite differences (re-checked with a smaller
           and a larger step before a disagreement counts);
``loud``   a refusal: one of srcgrad's errors, a TypeError, a ValueError or (the tape's
           PyTorch refusals) a RuntimeError, whose message names the user's file (the
           ``probes_*.py`` module the program is in);
``wrong``  a number that disagrees with finite differences;
``crash``  an internal exception type (KeyError, AttributeError, IndexError, NameError,
           RecursionError, ...), or a refusal whose message does not name the user's file.

A probe fails on ``wrong`` or ``crash``.  Findings that belong to the compiler's passes are
strict xfails (see ``COMPILER_XFAIL``), to be fixed after the merge.  The end of the module
prints ``probes[engine]: tried=N right=R loud=L wrong=W crash=C`` per engine (``crash``
counts the strict xfails).
"""

import collections
import os
import warnings

import numpy as np
import pytest

import srcgrad
from probes import PROBES
from srcgrad.errors import SrcgradError, SrcgradSyntaxError
from srcgrad.rules import NoRuleError
from srcgrad.testing import numeric_grad

ENGINES = ("compile", "tape", "auto")
CRASH_TYPES = (KeyError, AttributeError, IndexError, UnboundLocalError, NameError,
               RecursionError, ZeroDivisionError, AssertionError, StopIteration,
               LookupError, SystemError)
# RuntimeError: the tape's PyTorch refusals (an in-place change of a leaf); RecursionError,
# a RuntimeError too, is caught as a crash first
LOUD_TYPES = (SrcgradError, SrcgradSyntaxError, NoRuleError, TypeError, ValueError,
              NotImplementedError, RuntimeError)

# (probe, engine) -> what the compiler does today; strict xfails for the lead.
COMPILER_XFAIL = {
}

RESULTS = collections.defaultdict(collections.Counter)


# ------------------------------------------------------------------ oracle

def _leaves(tree):
    """The float leaves of an argument, in a fixed order."""
    if isinstance(tree, dict):
        return [leaf for k in sorted(tree) for leaf in _leaves(tree[k])]
    if isinstance(tree, (list, tuple)):
        return [leaf for item in tree for leaf in _leaves(item)]
    return [tree]


def _rebuild(tree, leaves):
    """``tree`` with its leaves taken, in order, from the iterator ``leaves``."""
    if isinstance(tree, dict):
        return {k: _rebuild(tree[k], leaves) for k in sorted(tree)}
    if isinstance(tree, (list, tuple)):
        return type(tree)(_rebuild(item, leaves) for item in tree)
    return next(leaves)


def _copy(tree):
    return _rebuild(tree, iter([np.array(l) if isinstance(l, np.ndarray) else l
                                for l in _leaves(tree)]))


def _fd(fn, args, eps):
    """Central differences of ``fn`` in every float leaf of ``args[0]`` (in float64)."""
    leaves = [np.asarray(l, dtype=float) if isinstance(l, np.ndarray) else float(l)
              for l in _leaves(args[0])]
    out = []
    for j in range(len(leaves)):
        def at(v, j=j):
            new = list(leaves)
            new[j] = v
            return float(fn(_rebuild(args[0], iter(_copy(new))), *args[1:]))
        out.append(numeric_grad(at, (leaves[j],), 0, eps=eps))
    return out


def _close(got, want):
    if len(got) != len(want):
        return False
    for g, w in zip(got, want):
        g = np.asarray(g, dtype=float)
        w = np.asarray(w, dtype=float)
        if g.shape != w.shape or not np.all(np.isfinite(g)):
            return False
        scale = max(1.0, float(np.max(np.abs(w), initial=0.0)))
        if not np.allclose(g, w, rtol=1e-4, atol=1e-5 * scale):
            return False
    return True


_FD = {}


def _fd_cached(name, fn, args, eps):
    key = (name, eps)
    if key not in _FD:
        _FD[key] = _fd(fn, args, eps)
    return _FD[key]


def classify(name, fn, args, engine):
    """``(kind, detail)`` for one probe in one engine; see the module docstring."""
    user_file = os.path.basename(fn.__code__.co_filename)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        want = float(fn(*_copy(args)))
        float32 = any(getattr(l, "dtype", None) == np.float32 for l in _leaves(args[0]))
        try:
            value, grad = srcgrad.value_and_grad(fn, mode=engine)(*_copy(args))
        except CRASH_TYPES as e:
            if isinstance(e, NoRuleError) and user_file in str(e):
                return "loud", "%s: %s" % (type(e).__name__, str(e).splitlines()[0])
            return "crash", "%s: %s" % (type(e).__name__, e)
        except LOUD_TYPES as e:
            if user_file in str(e):
                return "loud", "%s: %s" % (type(e).__name__, str(e).splitlines()[0])
            return "crash", "unlocated %s: %s" % (type(e).__name__, e)
        except Exception as e:      # anything else from inside srcgrad is internal
            return "crash", "%s: %s" % (type(e).__name__, e)
        rtol = 1e-4 if float32 else 1e-7
        if not np.isclose(float(value), want, rtol=rtol, atol=1e-9):
            return "wrong", "value %r, NumPy %r" % (value, want)
        got = _leaves(grad)
        fd = _fd_cached(name, fn, args, 1e-6)
        if _close(got, fd):
            return "right", ""
        small, large = _fd_cached(name, fn, args, 1e-7), _fd_cached(name, fn, args, 1e-5)
        if _close(got, small):
            return "right", ""
        if not (_close(small, fd) and _close(large, fd)):
            # float32 arithmetic inside: a coarser step, a looser tolerance
            coarse = _fd_cached(name, fn, args, 1e-3)
            if all(np.allclose(np.asarray(g, dtype=float), np.asarray(w, dtype=float),
                               rtol=1e-2, atol=1e-3) for g, w in zip(got, coarse)):
                return "right", "(a coarse step: float32 inside)"
        return "wrong", "gradient %s, finite differences %s" % (
            [np.round(np.asarray(g, dtype=float), 4).tolist() for g in got],
            [np.round(np.asarray(w, dtype=float), 4).tolist() for w in fd])


# ------------------------------------------------------------------ tests

def _cases():
    for name, fn, args in PROBES:
        for engine in ENGINES:
            reason = COMPILER_XFAIL.get((name, engine))
            marks = [pytest.mark.xfail(strict=True, reason="compiler: " + reason)] \
                if reason else []
            yield pytest.param(name, fn, args, engine, marks=marks,
                               id="%s-%s" % (name, engine))


def test_probe_table_size():
    assert len(PROBES) >= 100
    assert len({name for name, _, _ in PROBES}) == len(PROBES)


@pytest.mark.parametrize("name,fn,args,engine", list(_cases()))
def test_probe(name, fn, args, engine):
    if name.startswith("scipy_"):
        pytest.importorskip("scipy", reason="SciPy is optional (not installed): %s needs it" % name)
    kind, detail = classify(name, fn, args, engine)
    RESULTS[engine][kind] += 1
    assert kind in ("right", "loud"), "%s in %s: %s -- %s" % (name, engine, kind, detail)


def test_summary(capsys):
    """Runs after the probes (pytest keeps the order of definition): one line per engine."""
    with capsys.disabled():
        for engine in ENGINES:
            c = RESULTS[engine]
            if c:
                print("\nprobes[%s]: tried=%d right=%d loud=%d wrong=%d crash=%d" % (
                    engine, sum(c.values()), c["right"], c["loud"], c["wrong"], c["crash"]),
                    end="")
        print()


def test_oracle_sees_a_wrong_gradient():
    """The oracle itself: finite differences of a known function, and a gradient off by a
    factor or zero is not ``close``."""
    fd = _fd(lambda x: np.sum(x ** 3), (np.array([0.5, -1.0]),), 1e-6)
    assert _close(fd, [np.array([0.75, 3.0])])
    assert not _close([np.array([0.75, 1.5])], fd)
    assert not _close([np.zeros(2)], fd)
