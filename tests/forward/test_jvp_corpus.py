"""jvp on the compiler's corpus (tests/compiler/corpus): every (case, input)
whose differentiated arguments hold floats, along a random tangent, against
the central difference of the function along that tangent.

In ``mode="tape"`` and ``mode="auto"``; inputs the tape refuses are skipped with
the tape's message (as tests/differential does).  ``mode="compile"`` is skipped
until the compiler's forward transform is merged (helpers.NO_COMPILE_JVP); from
then on, a case it refuses is skipped with its message and a wrong tangent fails.
"""

import copy

import numpy as np
import pytest

import srcgrad
from srcgrad.errors import SrcgradSyntaxError

from corpus import all_cases
from test_corpus import _leaves as _corpus_leaves
from helpers import (random_tangent, moves, fd_jvp, assert_tangent, need_compile_jvp)

CASES = all_cases()
PARAMS = [pytest.param(case, k, id="%s[input %d]" % (case.name, k))
          for case in CASES for k in range(len(case.inputs))]


def _setup(case, k):
    args = copy.deepcopy(case.inputs[k])
    rng = np.random.default_rng(k + 17 * len(case.name))
    tangents = [random_tangent(a, rng) if i in case.wrt else None
                for i, a in enumerate(args)]
    if not any(moves(t) for t in tangents):
        pytest.skip("no differentiated argument holds floats")
    return args, tangents


def _check(case, k, mode):
    args, tangents = _setup(case, k)
    before = copy.deepcopy(args)
    try:
        out, t = srcgrad.jvp(case.fn, tuple(args), tuple(tangents), mode=mode)
    except SrcgradSyntaxError as e:
        if mode == "compile":
            pytest.skip("compiler refuses it: %s" % e.bare_msg)
        raise
    except Exception as e:
        if mode == "compile":
            raise
        pytest.skip("tape cannot run it: %s: %s" % (type(e).__name__,
                                                    str(e).strip().splitlines()[0][:200]))
    want = fd_jvp(case.fn, copy.deepcopy(before), tangents)
    assert_tangent(t, want, rtol=max(case.rtol, 1e-5), atol=max(case.atol, 1e-6),
                   where=case.name)
    for a, b in zip(args, before):     # nothing passed in is mutated
        for (pa, la), (pb, lb) in zip(_corpus_leaves(a), _corpus_leaves(b)):
            assert pa == pb
            if not callable(la):
                np.testing.assert_equal(la, lb)


@pytest.mark.parametrize("case,k", PARAMS)
def test_jvp_tape_matches_finite_differences(case, k):
    _check(case, k, "tape")


@pytest.mark.parametrize("case,k", PARAMS)
def test_jvp_auto_matches_finite_differences(case, k):
    _check(case, k, "auto")


#: refused at run time by a rule, in compiled code (strict: must flip when fixed)
COMPILE_XFAIL = {
    "linalg.orthonormal_projector": (ValueError, "np.linalg.qr(a, mode='complete') of a tall "
                                     "matrix: its JVP rule refuses (Q's extra columns are not "
                                     "determined by a)"),
}
COMPILE_PARAMS = [
    pytest.param(case, k, id="%s[input %d]" % (case.name, k),
                 marks=[pytest.mark.xfail(raises=COMPILE_XFAIL[case.name][0],
                                          reason=COMPILE_XFAIL[case.name][1], strict=True)]
                 if case.name in COMPILE_XFAIL else [])
    for case in CASES for k in range(len(case.inputs))]


@pytest.mark.parametrize("case,k", COMPILE_PARAMS)
def test_jvp_compile_matches_finite_differences(case, k):
    need_compile_jvp()
    _check(case, k, "compile")
