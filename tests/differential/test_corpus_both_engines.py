"""The compiler's corpus (tests/compiler/corpus) on both engines.

Every (case, input) that the tape can run goes through the compiler
(``srcgrad.grad(mode="compile")``) and the tape (``tape_vjp``); the gradients agree
leaf by leaf to 1e-10 relative (atol 1e-12), with the same tree structure. Inputs the
tape refuses (a tracked value through ``float()``/``math.*``, written into an ndarray,
PyTorch's in-place checks, a missing Tensor method) are skipped with the tape's message
and counted (see the ``differential`` section of the terminal summary). Inputs the
compiler is known to fail on (the corpus's own xfail reasons) keep that strict xfail.

A second test checks the tape alone against finite differences on every input it runs,
so a disagreement can be attributed to one engine.
"""

import copy

import numpy as np
import pytest

import srcgrad
from srcgrad.tape.engine import tape_vjp
from srcgrad.testing import assert_allclose

from corpus import all_cases
from test_corpus import _get, _leaves, tree_numeric_grad

import conftest

CASES = all_cases()

# (case name, input index) -> diagnosis, for inputs where the tape runs and gives a
# different gradient from the compiler. None found so far.
DISAGREE = {}


def _params(check_compiler=True):
    out = []
    for case in CASES:
        for k in range(len(case.inputs)):
            marks = []
            reason = DISAGREE.get((case.name, k))
            if check_compiler and case.reason(k):
                reason = "compiler (corpus): " + case.reason(k)
            if reason:
                marks = [pytest.mark.xfail(strict=True, reason=reason)]
            out.append(pytest.param(case, k, id="%s[input %d]" % (case.name, k),
                                    marks=marks))
    return out


def _tape(case, k):
    """The tape's gradients, or a pytest.skip carrying the tape's reason."""
    args = copy.deepcopy(case.inputs[k])
    try:
        _, pullback = tape_vjp(case.fn, args, wrt=case.wrt)
        return pullback(1.0)
    except Exception as e:
        first = str(e).strip().splitlines()[0] if str(e).strip() else ""
        msg = "tape cannot run it: %s: %s" % (type(e).__name__, first)
        # counted once per reason, with the file:line (which varies) left out
        key = "%s: %s" % (type(e).__name__, first.split(": ", 1)[-1] if
                          type(e).__name__ == "TapeConversionError" else first)
        conftest.STATS["skipped"][key[:150]] = conftest.STATS["skipped"].get(key[:150],
                                                                              0) + 1
        pytest.skip(msg)


def _compare_trees(got, want, where):
    gl, wl = list(_leaves(got)), list(_leaves(want))
    assert [p for p, _ in gl] == [p for p, _ in wl], "%s: tree structure %s != %s" % (
        where, [p for p, _ in gl], [p for p, _ in wl])
    for (path, g), (_, w) in zip(gl, wl):
        assert (g is None) == (w is None) or np.all(np.asarray(
            w if g is None else g) == 0), "%s%s: %r vs %r" % (where, path, g, w)
        g = 0.0 if g is None else g
        w = 0.0 if w is None else w
        # complex gradients compare as complex numbers, never by their real parts only
        kind = complex if np.iscomplexobj(g) or np.iscomplexobj(w) else float
        np.testing.assert_allclose(np.asarray(g, dtype=kind), np.asarray(w, dtype=kind),
                                   rtol=1e-10, atol=1e-12,
                                   err_msg="%s%s: compiler vs tape" % (where, list(path)))


@pytest.mark.parametrize("case,k", _params())
def test_compiler_matches_tape(case, k):
    tape_grads = _tape(case, k)
    conftest.STATS["both"] += 1
    grads = srcgrad.grad(case.fn, wrt=case.wrt, mode="compile")(
        *copy.deepcopy(case.inputs[k]))
    assert isinstance(grads, tuple) and len(grads) == len(case.wrt) == len(tape_grads)
    for g, t, i in zip(grads, tape_grads, case.wrt):
        _compare_trees(g, t, "grad[%d]" % i)


@pytest.mark.parametrize("case,k", _params(check_compiler=False))
def test_tape_matches_finite_differences(case, k):
    args = copy.deepcopy(case.inputs[k])
    before = copy.deepcopy(args)
    try:
        _, pullback = tape_vjp(case.fn, args, wrt=case.wrt)
        grads = pullback(1.0)
    except Exception as e:
        pytest.skip("tape cannot run it: %s: %s" % (type(e).__name__,
                                                    str(e).strip().splitlines()[0]))
    for g, i in zip(grads, case.wrt):
        want = tree_numeric_grad(case.fn, copy.deepcopy(before), i)
        if isinstance(args[i], (float, complex, np.ndarray)):
            assert_allclose(g, want, rtol=case.rtol, atol=case.atol)
        else:
            for path, w in want.items():
                assert_allclose(_get(g, path), w, rtol=case.rtol, atol=case.atol)
