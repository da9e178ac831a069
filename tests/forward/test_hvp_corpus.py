"""hvp on the compiler's corpus (tests/compiler/corpus): every (case, input)
whose differentiated arguments hold floats and whose value is a real scalar,
along a random direction, against the central difference of the gradient
(``srcgrad.grad``, which the rest of the suite checks against finite
differences of the function) along that direction.

In all three modes.  ``mode="compile"`` (generated code: the gradient of the
generated JVP, srcgrad/higher.py) runs 570 of the 644 inputs of real scalar
functions and refuses 74 with the compiler's reason (skipped with it;
``python tests/forward/hvp_refusals.py`` prints them grouped by reason, and
docs/forward.md lists the groups); ``"tape"`` and ``"auto"`` skip what the tape
cannot differentiate twice, with its message."""

import copy

import numpy as np
import pytest

import srcgrad

from corpus import all_cases
from helpers import random_tangent, moves, axpy, leaves

CASES = all_cases()
PARAMS = [pytest.param(case, k, id="%s[input %d]" % (case.name, k))
          for case in CASES for k in range(len(case.inputs)) if not case.reason(k)]


def _value_is_real_scalar(value):
    return np.ndim(value) == 0 and not np.iscomplexobj(value) and \
        isinstance(value, (float, np.floating, np.ndarray, int))


@pytest.mark.parametrize("mode", ["compile", "tape", "auto"])
@pytest.mark.parametrize("case,k", PARAMS)
def test_hvp_matches_differences_of_the_gradient(case, k, mode):
    args = copy.deepcopy(case.inputs[k])
    rng = np.random.default_rng(3 + k)
    vs = [random_tangent(args[i], rng) for i in case.wrt]
    if not all(moves(v) for v in vs):
        pytest.skip("a differentiated argument holds no floats")
    try:
        value = case.fn(*copy.deepcopy(args))
    except Exception as e:          # noqa: BLE001 -- the corpus's own failures
        pytest.skip("the function itself raises: %s" % type(e).__name__)
    if not _value_is_real_scalar(value):
        pytest.skip("not a real scalar function")
    g = srcgrad.grad(case.fn, wrt=case.wrt)
    try:
        hv = srcgrad.hvp(case.fn, wrt=case.wrt, mode=mode)(*args, tuple(vs))
    except (SyntaxError, NotImplementedError) as e:
        pytest.skip("%s refuses it: %s: %s" % (
            "the compiler (generated second derivatives)" if mode == "compile" else
            "the tape (differentiating twice)", type(e).__name__,
            str(e).strip().splitlines()[0][:200]))
    except Exception as e:          # noqa: BLE001
        if mode == "compile":
            raise
        pytest.skip("tape cannot differentiate it twice: %s: %s"
                    % (type(e).__name__, str(e).strip().splitlines()[0][:200]))
    eps = 1e-5

    def moved(sign):
        a = list(copy.deepcopy(args))
        for i, v in zip(case.wrt, vs):
            a[i] = axpy(a[i], v, sign * eps)
        return g(*a)
    try:
        plus, minus = moved(1), moved(-1)
    except Exception as e:          # noqa: BLE001
        pytest.skip("the gradient cannot be taken nearby: %s" % type(e).__name__)
    got, hi, lo = leaves(hv), leaves(plus), leaves(minus)
    assert len(got) == len(hi)
    for j, (h, p, m) in enumerate(zip(got, hi, lo)):
        if p is None or isinstance(p, (str, bool)):
            continue
        want = (np.asarray(p) - np.asarray(m)) / (2 * eps)
        kind = complex if np.iscomplexobj(h) or np.iscomplexobj(want) else float
        np.testing.assert_allclose(np.asarray(h, dtype=kind), want.astype(kind),
                                   rtol=1e-4, atol=1e-5, err_msg="%s leaf %d" % (case.name, j))
