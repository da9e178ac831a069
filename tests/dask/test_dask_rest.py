"""The rest of issue 14 on Dask arrays: rules that stay lazy (max/min/norm,
var/std with ``ddof``, prod/cumprod, the scatter-add of fancy-index reads), unknown (nan)
lengths refused at the user's line, the Jacobians' refusals, the table of
functions Dask computes differently from NumPy, and the tape's refusal.

Derivatives are checked against central finite differences
(``srcgrad.testing.numeric_grad``) of the NumPy function, and against
srcgrad's own gradient on NumPy arrays.  Only the compiler applies: the tape
runs on NumPy arrays only (its refusal is tested here).  No cluster: a
counting scheduler (tests/dask/daskcheck.py) says whether anything computed.
"""

import os
import sys

import numpy as np
import pytest

pytest.importorskip("dask.array", reason="Dask is an optional extra: pip install 'srcgrad[dask]'")

import dask  # noqa: E402
import dask.array as da  # noqa: E402

import srcgrad  # noqa: E402
from srcgrad import runtime  # noqa: E402
from srcgrad.testing import numeric_grad  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from daskcheck import counting  # noqa: E402

HERE = os.path.abspath(__file__)
RNG = np.random.default_rng(11)
X = RNG.normal(size=(12, 4))
W = RNG.normal(size=4)
IDX = np.array([0, 3, 3, 11, 5, 3, -1])


def dX(chunks=(5, 3)):
    return da.from_array(X, chunks=chunks)


def line_of(fn, text):
    """The line of ``fn``'s source file that holds ``text`` (in ``fn``)."""
    import inspect
    lines, start = inspect.getsourcelines(fn)
    return start + next(k for k, ln in enumerate(lines) if text in ln)


# -- rules that used to compute: now lazy, and right ------------------------------------

def extrema(w, A):
    z = A @ w
    return np.max(z) - 2.0 * np.min(A * w) + np.sum(np.max(A * w, axis=0))


def norms(w, A):
    return np.linalg.norm(A @ w) + np.sum(np.linalg.norm(A * w, axis=1)) + \
        np.linalg.norm(A @ w, ord=np.inf) + np.linalg.norm(A * w, ord="fro")


def moments(w, A):
    return np.sum(np.std(A * w, axis=0, ddof=1)) + np.var(A @ w, ddof=1) + \
        np.mean(np.std(A * w, axis=1))


def products(w, A):
    B = np.cos(A * 0.3) * w          # (away from zero)
    return np.sum(np.prod(B, axis=0)) + np.prod(B[:3, 0]) + np.sum(np.cumprod(B, axis=1))


def gathers(w, A):
    z = A @ w
    return np.sum(z[IDX] ** 2) + np.sum(np.tanh(A[IDX] @ w)) + \
        np.sum(A[:, [0, 2, 2]] * w[:3]) + np.sum(np.take(A, [1, 1, 3], axis=1) ** 2 * w[1]) + \
        np.sum(np.repeat(A * w, 2, axis=1) ** 2) + np.sum(np.repeat(z, 3, axis=0) ** 3)


@pytest.mark.parametrize("fn", [extrema, norms, moments, products, gathers], ids=lambda f: f.__name__)
@pytest.mark.parametrize("mode", ["compile", "auto"])
def test_lazy_rules_on_dask_data_match_finite_differences(fn, mode):
    """Nothing computes before the user asks (the counting scheduler raises
    on a compute); once computed, the gradient is NumPy's and the finite
    differences'."""
    with counting(forbid=True):
        g = srcgrad.grad(fn, mode=mode)(W, dX())
    assert isinstance(g, da.Array)
    g = g.compute(scheduler="sync")
    np.testing.assert_allclose(g, numeric_grad(fn, (W, X), 0), rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(g, srcgrad.grad(fn, mode=mode)(W, X), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("fn", [extrema, norms, moments, products, gathers], ids=lambda f: f.__name__)
def test_gradient_with_respect_to_the_dask_array_itself(fn):
    """The cotangent of the Dask argument (the scatter-add of ``A[IDX]``,
    ``A[:, [0, 2, 2]]``, ``np.take``; the extremum's ties) is lazy and right."""
    with counting(forbid=True):
        g = srcgrad.grad(fn, wrt=1)(W, dX())
    assert isinstance(g, da.Array) and g.shape == X.shape
    np.testing.assert_allclose(g.compute(scheduler="sync"), numeric_grad(fn, (W, X), 1),
                               rtol=1e-6, atol=1e-8)


def test_ties_of_the_maximum_share_the_cotangent_lazily():
    A = np.array([[1.0, 3.0], [3.0, 2.0], [0.5, 3.0]])

    def f(a):
        return np.max(a) * 2.0
    with counting(forbid=True):
        g = srcgrad.grad(f)(da.from_array(A, chunks=(2, 1)))
    np.testing.assert_allclose(g.compute(scheduler="sync"), [[0, 2 / 3], [2 / 3, 0], [0, 2 / 3]])


def test_scatter_rows_equals_numpys_add_at():
    """runtime.scatter_rows (the lazy scatter-add) against np.add.at, for
    repeated and negative indices, complex values and 2-d index arrays."""
    g = RNG.normal(size=(7, 3)) + 1j * RNG.normal(size=(7, 3))
    want = np.zeros((12, 3), dtype=complex)
    np.add.at(want, IDX, g)
    with counting(forbid=True):
        got = runtime.scatter_rows(da.from_array(g, chunks=(3, 2)), IDX, 12)
    np.testing.assert_allclose(got.compute(scheduler="sync"), want, rtol=1e-14)
    idx2 = np.array([[1, 1], [0, 4]])
    g2 = RNG.normal(size=(2, 2))
    want2 = np.zeros(5)
    np.add.at(want2, idx2, g2)
    np.testing.assert_allclose(runtime.scatter_rows(da.from_array(g2, chunks=1), idx2, 5)
                               .compute(scheduler="sync"), want2, rtol=1e-14)


def two_arrays(w, A):
    return np.sum(A[[0, 1, 1], 2] * w[0])


def test_other_advanced_indexes_on_a_dask_cotangent_are_refused_at_the_users_line():
    with pytest.raises(NotImplementedError) as info:
        srcgrad.grad(two_arrays, wrt=1)(W, dX())
    msg = str(info.value)
    assert msg.startswith("%s:%d:" % (HERE, line_of(two_arrays, "return")))
    assert "np.add.at" in msg and "x[idx][:, jdx]" in msg


# -- unknown (nan) lengths --------------------------------------------------------------

def tanh_mean(w, A):
    return np.mean(np.tanh(A @ w))


def selects_rows(w, A):
    B = A[A[:, 0] > 0]
    return np.sum(np.mean(np.sin(B * w), axis=0))


def _nan_rows():
    Xd = dX()
    return Xd[Xd[:, 0] > 0]


@pytest.mark.parametrize("fn,args", [(tanh_mean, lambda: (W, _nan_rows())),
                                     (selects_rows, lambda: (W, dX()))],
                         ids=["nan-argument", "nan-inside"])
def test_unknown_lengths_are_refused_at_the_users_line_in_reverse_and_forward_mode(fn, args):
    """Dask's own error would come at compute time, from inside Dask
    ("'float' object cannot be interpreted as an integer"); srcgrad says
    where and what to do, when the gradient (or the JVP) is built."""
    where = "%s:%d:" % (HERE, line_of(fn, "return"))
    with pytest.raises(ValueError, match=r"compute_chunk_sizes") as info:
        srcgrad.grad(fn)(*args())
    assert str(info.value).startswith(where) and "unknown" in str(info.value)
    with pytest.raises(ValueError, match=r"compute_chunk_sizes") as info:
        srcgrad.value_and_grad(fn)(*args())
    assert str(info.value).startswith(where)
    if fn is selects_rows:      # forward mode broadcasts the tangent to the nan shape
        with pytest.raises(ValueError, match=r"compute_chunk_sizes") as info:
            srcgrad.jvp(fn, args(), (np.ones(4), None))
        assert str(info.value).startswith(where)


def test_unknown_lengths_the_forward_value_and_jvp_that_need_no_broadcast_run():
    """The function's value, and a JVP whose tangent never needs the unknown
    length, are lazy and right (shape-generic code)."""
    Xn = _nan_rows()
    rows = X[X[:, 0] > 0]
    v = np.array([0.5, -1.0, 2.0, 0.3])
    value, t = srcgrad.jvp(tanh_mean, (W, Xn), (v, None))
    value, t = dask.compute(value, t, scheduler="sync")
    np.testing.assert_allclose(value, tanh_mean(W, rows), rtol=1e-12)
    np.testing.assert_allclose(t, numeric_grad(tanh_mean, (W, rows), 0) @ v, rtol=1e-6)


def test_after_compute_chunk_sizes_the_gradient_is_lazy_and_right():
    Xn = _nan_rows()
    Xn.compute_chunk_sizes()
    rows = X[X[:, 0] > 0]
    with counting(forbid=True):
        g = srcgrad.grad(tanh_mean)(W, Xn)
    np.testing.assert_allclose(g.compute(scheduler="sync"),
                               numeric_grad(tanh_mean, (W, rows), 0), rtol=1e-6)


# -- Jacobians and Hessians -------------------------------------------------------------

def vector(w, A):
    return np.tanh(A @ w)


def scalar(w, A):
    return np.sum(np.tanh(A @ w) ** 2)


@pytest.mark.parametrize("transform", ["jacrev", "jacfwd", "jacobian"])
def test_jacobians_of_dask_outputs_are_refused_saying_what_to_do(transform):
    with pytest.raises(TypeError) as info:
        getattr(srcgrad, transform)(vector)(W, dX())
    msg = str(info.value)
    assert HERE in msg and "vector" in msg
    assert "dask array among the outputs" in msg and "srcgrad.vjp" in msg and \
        "x.compute()" in msg


@pytest.mark.parametrize("transform", ["jacrev", "jacfwd", "hessian", "hvp"])
def test_second_order_and_jacobians_refuse_a_differentiated_dask_argument(transform):
    w = da.from_array(W, chunks=2)
    call = getattr(srcgrad, transform)(scalar if transform in ("hessian", "hvp") else vector)
    with pytest.raises(TypeError) as info:
        call(w, X, W) if transform == "hvp" else call(w, X)
    msg = str(info.value)
    assert HERE in msg and "dask array among the differentiated arguments" in msg
    assert "NumPy arrays" in msg


def test_jvp_refuses_a_tangent_for_a_dask_argument_by_name():
    with pytest.raises(TypeError, match="the primal is a dask array"):
        srcgrad.jvp(scalar, (da.from_array(W, chunks=2), X), (W, None))


def test_hessian_with_dask_data_agrees_with_numpy_and_differences_of_the_gradient():
    h = srcgrad.hessian(scalar)(W, dX())
    np.testing.assert_allclose(h, srcgrad.hessian(scalar)(W, X), rtol=1e-10)
    g = srcgrad.grad(scalar)
    eps = 1e-6
    want = np.array([(g(W + eps * e, X) - g(W - eps * e, X)) / (2 * eps) for e in np.eye(4)])
    np.testing.assert_allclose(h, want, rtol=1e-6, atol=1e-8)


# -- where Dask's value differs from NumPy's: one table ---------------------------------

def test_functions_dask_computes_differently_are_one_table(monkeypatch):
    """runtime.NOT_AS_NUMPY is the one list; its text reaches the refusal,
    which names the user's line."""
    assert ("dask", "linalg.cholesky") in runtime.duck.NOT_AS_NUMPY
    monkeypatch.setitem(runtime.duck.NOT_AS_NUMPY, ("dask", "linalg.cholesky"),
                        "a reason read from the table")
    M = RNG.normal(size=(3, 3))
    A = M @ M.T + 3 * np.eye(3)

    def f(a):
        return np.sum(np.linalg.cholesky(a * 1.0))
    with pytest.raises(NotImplementedError, match="a reason read from the table") as info:
        dask.compute(srcgrad.grad(f)(da.from_array(A, chunks=3)), scheduler="sync")
    assert str(info.value).startswith("%s:%d:" % (HERE, line_of(f, "return")))
    monkeypatch.delitem(runtime.duck.NOT_AS_NUMPY, ("dask", "linalg.cholesky"))
    runtime.numpy_semantics_only(da.from_array(A, chunks=3), np.linalg.cholesky)  # no row


# -- the tape: NumPy arrays only --------------------------------------------------------

def test_the_tape_says_it_takes_numpy_arrays_only():
    import importlib
    try:        # the tape's namespace, after its move to srcgrad.torch (and before)
        tape = importlib.import_module("srcgrad.torch")
    except ImportError:
        tape = srcgrad
    Xd = dX()
    for make in (lambda: tape.tensor(Xd), lambda: tape.tensor(Xd, requires_grad=True),
                 lambda: tape.as_tensor(Xd), lambda: tape.tensor([Xd[0], Xd[1]]),
                 lambda: tape.tensor(W, requires_grad=True) * Xd[0]):
        with counting(forbid=True):
            with pytest.raises(TypeError, match="NumPy arrays only") as info:
                make()
        assert "dask.Array" in str(info.value) and "docs/scaling.md" in str(info.value)
