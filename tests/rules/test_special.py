"""Rank-specialised rules agree with the general rule they stand in for."""

import numpy as np
import pytest

from srcgrad import rules
from srcgrad.rules import linalg  # noqa: F401  (registers the specialisations)

SHAPES = {(2, 2): ((3, 4), (4, 5)), (2, 1): ((3, 4), (4,)), (1, 2): ((4,), (4, 5)),
          (1, 1): ((4,), (4,))}


@pytest.mark.parametrize("fn", [np.matmul, np.dot], ids=["matmul", "dot"])
@pytest.mark.parametrize("ranks", sorted(SHAPES))
@pytest.mark.parametrize("pos", [0, 1])
def test_special_matches_general_rule(fn, ranks, pos):
    rng = np.random.default_rng(7)
    a, b = (rng.normal(size=s) for s in SHAPES[ranks])
    ans = fn(a, b)
    g = rng.normal(size=np.shape(ans))
    special = rules.special(fn, pos, ranks)
    assert special is not None
    general = rules.lookup(fn).vjps[pos]
    np.testing.assert_allclose(special(g, ans, a, b), general(g, ans, a, b), rtol=1e-12)
