"""Reductions with ``where=``/``initial=`` and the NaN-ignoring reductions in
realistic uses, through the compiler, the tape and auto.  Oracles: central
finite differences (NaN entries are data that does not move the result) and
PyTorch's nan-reductions where it has them."""

import numpy as np
import pytest

import srcgrad
from srcgrad.testing import numeric_grad, assert_allclose

MODES = ["compile", "tape", "auto"]
X = np.array([[0.5, np.nan, 2.0, -0.3], [1.2, -0.7, np.nan, 0.9], [0.1, 0.4, -1.5, 2.2]])
MASK = np.array([[True, True, False, True], [True, False, True, True],
                 [False, True, True, True]])


def masked_stats(x):
    """Statistics of the observed (non-NaN) entries inside a window."""
    return (np.sum(np.nansum(x, axis=1, where=MASK, initial=0.5) ** 2)
            + np.nanmean(x, where=MASK) + np.nanstd(x, axis=0).sum()
            + np.nanvar(x, ddof=1) + np.nanmax(x, axis=1).sum() - np.nanmin(x, initial=5.0)
            + np.nanprod(x[:, :2] + 2.0, axis=0).sum() + np.sum(np.nancumsum(x, axis=1)[:, -1])
            + np.nancumprod(x[0] + 1.0)[-1])


def plain_where(x):
    x = np.nan_to_num(x)
    return (np.sum(x, where=MASK, initial=1.0) * np.prod(x + 2.0, where=MASK, initial=0.5)
            + np.max(x, axis=0, where=MASK, initial=-3.0).sum() + np.ptp(x, axis=1).sum()
            + np.std(x, axis=1, where=MASK).sum() + np.var(x, where=MASK)
            + np.mean(x ** 2, where=MASK))


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("fn", [masked_stats, plain_where])
def test_matches_finite_differences(fn, mode):
    got = srcgrad.grad(fn, mode=mode)(X.copy())
    want = numeric_grad(fn, (X,), 0)
    assert np.all(np.isfinite(got))
    assert_allclose(np.nan_to_num(got), np.nan_to_num(want))
    assert np.all(got[np.isnan(X)] == 0.0)


@pytest.mark.parametrize("mode", MODES)
def test_nan_reductions_match_torch(mode):
    torch = pytest.importorskip("torch")

    def f(x):
        return np.sum(np.nansum(x, axis=1) ** 2) + np.sum(np.nanmean(x, axis=0) ** 3)
    xt = torch.tensor(X, requires_grad=True)
    ((torch.nansum(xt, dim=1) ** 2).sum() + (torch.nanmean(xt, dim=0) ** 3).sum()).backward()
    assert_allclose(srcgrad.grad(f, mode=mode)(X.copy()), xt.grad.numpy())
