"""The Numba backend against the NumPy backend on the compiler's corpus
(tests/compiler/corpus: each case is checked against finite differences by
test_corpus.py): for the loop, while-loop and branch modules, every input the
NumPy backend compiles gives the same gradient with ``backend="numba"``,
whether Numba runs it or it falls back.  Slow tier: Numba compiles each case
for seconds."""

import copy

import numpy as np
import pytest

import srcgrad
from srcgrad.testing import assert_allclose

from corpus import all_cases

MODULES = ("loops", "while_loops", "branches")
CASES = [(c, k) for c in all_cases() if c.module in MODULES and not c.xfail
         for k in range(len(c.inputs)) if not c.reason(k)]


@pytest.mark.slow
@pytest.mark.parametrize("case, k", CASES, ids=["%s-%d" % (c.name, k) for c, k in CASES])
def test_numba_backend_agrees_with_numpy_backend(case, k):
    pytest.importorskip("numba", reason="numba is not installed (the srcgrad[numba] extra)")
    args = case.inputs[k]
    expected = srcgrad.grad(case.fn, wrt=case.wrt, mode="compile")(*copy.deepcopy(args))
    got = srcgrad.grad(case.fn, wrt=case.wrt, mode="compile",
                       backend="numba")(*copy.deepcopy(args))
    for g, e in zip(got, expected):
        assert_allclose(np.asarray(g), np.asarray(e), rtol=1e-9, atol=1e-12)
