"""Gradients on Dask arrays (issue 14, docs/scaling.md): lazy results that one
``dask.compute`` evaluates with the value, shape specialisation on known
chunked shapes and shape-generic code for unknown (nan) ones, mixed kinds
(NumPy parameters, Dask data), the checks (scalar output, integer arguments),
and the tape's refusal.  Derivatives are checked against central finite
differences (``srcgrad.testing.numeric_grad``) on the NumPy data, and against
torch where it is installed.  The Dask tests use the synchronous scheduler or
a counting one (tests/dask/daskcheck.py): no cluster.
"""

import os
import sys

import numpy as np
import pytest

pytest.importorskip("dask.array", reason="Dask is an optional extra: pip install 'srcgrad[dask]'")

import dask  # noqa: E402
import dask.array as da  # noqa: E402

import srcgrad  # noqa: E402
from srcgrad.testing import numeric_grad  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from daskcheck import counting  # noqa: E402

HERE = os.path.abspath(__file__)


def logistic(w, b, X, y):
    z = X @ w + b
    return np.mean(np.logaddexp(0.0, z) - y * z) + 0.01 * np.sum(w ** 2)


def mlp(params, X, y):
    h = np.tanh(X @ params["W1"] + params["b1"])
    out = h @ params["W2"] + params["b2"]
    return np.mean((out[:, 0] - y) ** 2)


def softmax_xent(W, X, Y):
    logits = X @ W
    logits = logits - np.max(logits, axis=1, keepdims=True)
    logp = logits - np.log(np.sum(np.exp(logits), axis=1, keepdims=True))
    return -np.sum(Y * logp) / X.shape[0]


def positives_mean(w, X):
    z = X @ w
    return np.mean(z[z > 0] ** 2)


RNG = np.random.default_rng(7)
X = RNG.normal(size=(60, 4))
Y = (RNG.random(60) > 0.5).astype(float)
W = RNG.normal(size=4)
B = 0.3
ONEHOT = np.eye(3)[RNG.integers(0, 3, size=60)]
PARAMS = {"W1": RNG.normal(size=(4, 5)), "b1": RNG.normal(size=5),
          "W2": RNG.normal(size=(5, 1)), "b2": RNG.normal(size=1)}


def dX(chunks=15):
    return da.from_array(X, chunks=(chunks, 4))


def dY(chunks=15):
    return da.from_array(Y, chunks=chunks)


# -- results: lazy, and right ----------------------------------------------------------

@pytest.mark.parametrize("mode", ["compile", "auto"])
def test_grad_on_dask_is_lazy_and_matches_finite_differences(mode):
    with counting(forbid=True):
        gw, gb = srcgrad.grad(logistic, wrt=(0, 1), mode=mode)(W, B, dX(), dY())
    assert isinstance(gw, da.Array) and isinstance(gb, da.Array)
    gw, gb = dask.compute(gw, gb, scheduler="sync")
    assert type(gw) is np.ndarray and gw.shape == W.shape and gw.dtype == np.float64
    np.testing.assert_allclose(gw, numeric_grad(logistic, (W, B, X, Y), 0), rtol=1e-6)
    np.testing.assert_allclose(float(gb), numeric_grad(logistic, (W, B, X, Y), 1), rtol=1e-6)


def test_value_and_grad_share_one_graph():
    """``dask.compute(value, grads)`` computes once, and reads each chunk of
    the data once: the forward sweep's results are shared by the backward one."""
    reads = []

    def read(block):        # a chunked data source that counts the chunks read
        if block.size:      # (not the empty block Dask reads the dtype from)
            reads.append(block.shape)
        return block

    Xs = dX().map_blocks(read, dtype=X.dtype)
    with counting() as computes:
        value, grads = srcgrad.value_and_grad(logistic, wrt=(0, 1))(W, B, Xs, dY())
        assert computes.count == 0 and not reads
        value, (gw, gb) = dask.compute(value, grads)
    assert computes.count == 1 and len(reads) == 4   # 4 chunks, each read once
    np.testing.assert_allclose(value, logistic(W, B, X, Y), rtol=1e-12)
    np.testing.assert_allclose(gw, srcgrad.grad(logistic)(W, B, X, Y), rtol=1e-12)


def test_mixed_kinds_rule():
    """NumPy parameters and Dask data: every gradient is a Dask array that
    computes to the parameter's kind and shape -- an ndarray for an ndarray,
    a 0-d float64 array for a Python float; the value is a 0-d Dask array."""
    with counting(forbid=True):
        value, (gw, gb) = srcgrad.value_and_grad(logistic, wrt=(0, 1))(W, B, dX(), dY())
    assert all(isinstance(v, da.Array) for v in (value, gw, gb))
    assert value.shape == () and gw.shape == (4,) and gb.shape == ()
    value, gw, gb = dask.compute(value, gw, gb, scheduler="sync")
    assert type(gw) is np.ndarray and gw.dtype == np.float64 and np.shape(gb) == ()
    want = srcgrad.value_and_grad(logistic, wrt=(0, 1))(W, B, X, Y)
    np.testing.assert_allclose(value, want[0], rtol=1e-12)
    np.testing.assert_allclose(gw, want[1][0], rtol=1e-12)
    np.testing.assert_allclose(float(gb), want[1][1], rtol=1e-12)


def complex_scale(c, A):
    return np.sum(np.abs(c * A) ** 2) + np.real(c) * np.sum(A)


def test_a_complex_parameter_keeps_its_imaginary_part():
    c = 0.5 - 1.5j
    with counting(forbid=True):
        g = srcgrad.grad(complex_scale)(c, dX())
    g = complex(g.compute(scheduler="sync"))
    want = srcgrad.grad(complex_scale)(c, X)
    assert abs(g - want) < 1e-9 * abs(want) and abs(g.imag) > 1.0
    assert abs(g - complex(numeric_grad(complex_scale, (c, X), 0))) < 1e-5 * abs(want)


def test_dask_parameters_get_dask_gradients_of_their_chunks():
    w = da.from_array(W, chunks=2)
    with counting(forbid=True):
        g = srcgrad.grad(logistic)(w, B, dX(), dY())
    assert isinstance(g, da.Array) and g.shape == W.shape
    np.testing.assert_allclose(g.compute(scheduler="sync"),
                               numeric_grad(logistic, (W, B, X, Y), 0), rtol=1e-6)


def test_parameter_tree_with_dask_data():
    with counting(forbid=True):
        g = srcgrad.grad(mlp)(PARAMS, dX(), dY())
    assert set(g) == set(PARAMS) and all(isinstance(v, da.Array) for v in g.values())
    (g,) = dask.compute(g, scheduler="sync")
    for k in PARAMS:
        assert g[k].shape == PARAMS[k].shape
        want = numeric_grad(lambda p: mlp(dict(PARAMS, **{k: p}), X, Y), (PARAMS[k],), 0)
        np.testing.assert_allclose(g[k], want, rtol=1e-5, atol=1e-8)


def test_reductions_over_axes_and_max():
    """max's rule reads its argument with runtime.as_array: lazy."""
    Wm = RNG.normal(size=(4, 3))
    with counting(forbid=True):
        g = srcgrad.grad(softmax_xent)(Wm, dX(), da.from_array(ONEHOT, chunks=(15, 3)))
    np.testing.assert_allclose(g.compute(scheduler="sync"),
                               numeric_grad(softmax_xent, (Wm, X, ONEHOT), 0), rtol=1e-6)


def test_torch_agrees_on_dask_data():
    torch = pytest.importorskip("torch", reason="torch is an optional second oracle")
    tw = torch.tensor(W, requires_grad=True)
    z = torch.tensor(X) @ tw + B
    loss = torch.mean(torch.logaddexp(torch.zeros(()), z) - torch.tensor(Y) * z) + \
        0.01 * torch.sum(tw ** 2)
    loss.backward()
    g = srcgrad.grad(logistic)(W, B, dX(), dY()).compute(scheduler="sync")
    np.testing.assert_allclose(g, tw.grad.numpy(), rtol=1e-10)


def test_vjp_on_dask_checks_the_cotangent_and_stays_lazy():
    def f(w, A):
        return np.tanh(A @ w)
    with counting(forbid=True):
        out, pullback = srcgrad.vjp(f, W, dX())
        ct = da.from_array(np.linspace(-1.0, 1.0, 60), chunks=15)
        gw, gA = pullback(ct)
    assert isinstance(out, da.Array) and isinstance(gw, da.Array) and gA.shape == X.shape
    u = np.linspace(-1.0, 1.0, 60)
    np.testing.assert_allclose(gw.compute(scheduler="sync"),
                               numeric_grad(lambda w: u @ f(w, X), (W,), 0), rtol=1e-6)
    with pytest.raises(ValueError, match=r"shape \(3,\)"):
        pullback(da.ones(3, chunks=3))


def tanh_sq(w, A):
    return np.mean(np.tanh(A @ w) ** 2)


def test_jvp_and_hvp_on_dask_data_agree_with_numpy():
    """Forward mode and reverse over forward run the same way (not a promise of
    laziness: docs/scaling.md); checked against NumPy's, which tests/forward
    checks against finite differences, and the hvp against finite differences
    of the gradient."""
    v = np.array([0.3, -1.0, 0.5, 2.0])
    _, t = srcgrad.jvp(tanh_sq, (W, dX()), (v, np.zeros_like(X)))
    np.testing.assert_allclose(np.asarray(t), srcgrad.jvp(tanh_sq, (W, X),
                                                          (v, np.zeros_like(X)))[1], rtol=1e-12)
    h = srcgrad.hvp(tanh_sq)(W, dX(), v)
    eps = 1e-6
    g = srcgrad.grad(tanh_sq)
    want = (g(W + eps * v, X) - g(W - eps * v, X)) / (2 * eps)
    np.testing.assert_allclose(np.asarray(h), want, rtol=1e-6, atol=1e-9)


# -- shapes: specialised when known, generic when not -----------------------------------

def test_known_chunked_shapes_get_shape_specialised_code():
    f = srcgrad.grad(logistic)
    f(W, B, dX(), dY())
    text = srcgrad.source(f)
    assert "0.016666666666666666" in text or "(60,)" in text    # 1/60, or the shape itself
    assert "np.size" not in text and "array_size" not in text


def positives_where(w, X):
    z = X @ w
    return np.mean(np.where(z > 0, z, 0.0) ** 2)


def test_a_lazy_boolean_mask_is_refused_with_a_hint_and_np_where_runs_lazily():
    """(The mean's gradient needs the unknown length first: refused there.)"""
    with pytest.raises((NotImplementedError, ValueError), match=r"np.where\(mask") as info:
        srcgrad.grad(positives_mean)(W, dX())
    assert str(info.value).startswith(HERE + ":")
    with counting(forbid=True):
        g = srcgrad.grad(positives_where)(W, dX())
    np.testing.assert_allclose(g.compute(scheduler="sync"),
                               numeric_grad(positives_where, (W, X), 0), rtol=1e-6)


def tanh_mean(w, A):
    return np.mean(np.tanh(A @ w))


def test_unknown_nan_lengths_compile_shape_generic_code():
    """Rows of unknown number (nan): shape-generic code. Broadcasting a
    gradient back to that length is refused when the gradient is built, at
    the user's line (tests/dask/test_dask_rest.py); after
    ``compute_chunk_sizes()`` (the user's compute) the gradient is lazy and
    right."""
    Xd = dX()
    Xn = Xd[Xd[:, 0] > 0]
    assert np.isnan(Xn.shape[0])
    f = srcgrad.grad(tanh_mean)
    with pytest.raises(ValueError, match="compute_chunk_sizes"):
        f(W, Xn)
    assert "array_size" in srcgrad.source(f)        # shape-generic: the count is not folded
    Xn.compute_chunk_sizes()
    with counting(forbid=True):
        g = f(W, Xn)
    rows = X[X[:, 0] > 0]
    np.testing.assert_allclose(g.compute(scheduler="sync"), numeric_grad(tanh_mean, (W, rows), 0),
                               rtol=1e-6)


# -- checks and refusals ----------------------------------------------------------------

def test_non_scalar_lazy_output_is_refused_with_its_shape():
    def f(w, A):
        return A @ w
    with pytest.raises(TypeError, match=r"test_dask_gradients.py.*shape \(60,\)"):
        srcgrad.grad(f)(W, dX())


def test_complex_lazy_output_is_refused():
    def f(w, A):
        return np.sum(A @ w) * 1j
    with pytest.raises(TypeError, match="complex"):
        srcgrad.grad(f)(W, dX())


def test_integer_dask_argument_is_refused():
    with pytest.raises(TypeError, match="integer"):
        srcgrad.grad(logistic, wrt=2)(W, B, da.ones((4, 4), dtype=int, chunks=2), dY())


@pytest.mark.parametrize("mode", ["tape", "auto"])
def test_the_tape_refuses_dask_arrays_naming_the_function(mode):
    def needs_the_tape(w, A):
        global _SEEN       # the compiler refuses global statements: mode="auto" uses the tape
        return np.sum(A @ w)
    with pytest.raises(TypeError) as info:
        srcgrad.grad(needs_the_tape, mode=mode)(W, dX())
    msg = str(info.value)
    assert HERE in msg and "needs_the_tape" in msg
    assert "NumPy arrays only" in msg and "docs/scaling.md" in msg
    if mode == "auto":
        assert "global" in msg       # why the tape: the compiler's refusal


def test_assignment_into_a_dask_array_is_refused():
    def f(x):
        y = x * 1.0
        y[0] = 0.0
        return np.sum(y * y)
    with pytest.raises(NotImplementedError, match="copies, not views"):
        srcgrad.grad(f, mode="compile")(da.from_array(W, chunks=2))


def test_nothing_passed_in_is_changed():
    Xd, Yd = dX(), dY()
    before = (Xd.name, Yd.name, W.copy())
    srcgrad.grad(logistic)(W, B, Xd, Yd)
    assert (Xd.name, Yd.name) == before[:2] and np.array_equal(W, before[2])
