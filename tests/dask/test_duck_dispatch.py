"""Any array with NumPy's dispatch protocols, not only Dask (issue 14): a
wrapper implementing ``__array_function__`` / ``__array_ufunc__`` that records
every NumPy call it receives and refuses conversion to an ndarray
(``__array__`` raises).  Generated gradients run on it through dispatch alone
-- the path a CuPy array takes (docs/scaling.md) -- and equal NumPy's, which are
checked against finite differences.  No optional dependency needed.
"""

import numpy as np
import pytest

import srcgrad.torch
from srcgrad.testing import numeric_grad


class Recorded(np.lib.mixins.NDArrayOperatorsMixin):
    """An array that holds an ndarray, logs the NumPy functions and ufuncs
    called on it, and cannot be converted (a stand-in for a GPU or lazy array)."""

    def __init__(self, data, log):
        self.data, self.log = np.asarray(data), log

    shape = property(lambda self: self.data.shape)
    dtype = property(lambda self: self.data.dtype)
    ndim = property(lambda self: self.data.ndim)
    size = property(lambda self: self.data.size)
    T = property(lambda self: self._wrap(self.data.T))

    def __array__(self, dtype=None, copy=None):
        raise AssertionError("a Recorded array was converted to an ndarray")

    def _wrap(self, value):
        if isinstance(value, np.generic):   # 0-d results stay arrays, as CuPy's and Dask's do
            value = np.asarray(value)
        if isinstance(value, np.ndarray):
            return Recorded(value, self.log)
        if isinstance(value, (list, tuple)):
            return type(value)(self._wrap(v) for v in value)
        return value

    def _unwrap(self, value):
        if isinstance(value, Recorded):
            return value.data
        if isinstance(value, (list, tuple)):
            return type(value)(self._unwrap(v) for v in value)
        if isinstance(value, dict):
            return {k: self._unwrap(v) for k, v in value.items()}
        return value

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        self.log.append(ufunc.__name__ if method == "__call__" else
                        "%s.%s" % (ufunc.__name__, method))
        out = getattr(ufunc, method)(*self._unwrap(inputs), **self._unwrap(kwargs))
        return self._wrap(out)

    def __array_function__(self, func, types, args, kwargs):
        self.log.append(func.__name__)
        return self._wrap(func(*self._unwrap(args), **self._unwrap(kwargs)))

    def __len__(self):
        return len(self.data)

    def __iter__(self):
        return (self[i] for i in range(len(self.data)))

    def __getitem__(self, index):
        return self._wrap(self.data[self._unwrap(index)])

    def __getattr__(self, name):     # methods: x.sum(), x.conj(), x.astype(...), ...
        if name.startswith("__"):
            raise AttributeError(name)
        attr = getattr(self.data, name)
        if not callable(attr):
            return self._wrap(attr)

        def method(*args, **kwargs):
            self.log.append("." + name)
            return self._wrap(attr(*self._unwrap(args), **self._unwrap(kwargs)))
        return method


def logistic(w, b, X, y):
    z = X @ w + b
    return np.mean(np.logaddexp(0.0, z) - y * z) + 0.01 * np.sum(w ** 2)


def softmax_xent(W, X, Y):     # (no max: its rule reads its argument with np.asarray)
    logits = X @ W
    logp = logits - np.log(np.sum(np.exp(logits), axis=1, keepdims=True))
    return -np.sum(Y * logp) / X.shape[0]


def loop_model(w, xs):
    h = np.zeros(2)
    for x in xs:
        h = np.tanh(x * w + h)
    return np.sum(h ** 2)


RNG = np.random.default_rng(3)
X = RNG.normal(size=(12, 3))
Y = (RNG.random(12) > 0.5).astype(float)
W = RNG.normal(size=3)


def _recorded(*values):
    log = []
    return log, [Recorded(v, log) if isinstance(v, np.ndarray) else v for v in values]


@pytest.mark.parametrize("wrapped", ["data", "all"])
def test_logistic_gradient_through_dispatch(wrapped):
    log, (w, X_, y) = _recorded(W, X, Y)
    if wrapped == "data":
        w = W
    gw, gb = srcgrad.grad(logistic, wrt=(0, 1), mode="compile")(w, 0.2, X_, y)
    assert isinstance(gw, Recorded) and gw.shape == W.shape and gw.dtype == np.float64
    np.testing.assert_allclose(gw.data, numeric_grad(logistic, (W, 0.2, X, Y), 0), rtol=1e-6)
    np.testing.assert_allclose(np.asarray(gb.data if isinstance(gb, Recorded) else gb),
                               numeric_grad(logistic, (W, 0.2, X, Y), 1), rtol=1e-6)
    assert {"matmul", "logaddexp", "mean"} <= set(log)   # the calls went through dispatch
    assert "ones_like" in log                            # the seed is of the array's type


def test_reductions_along_axes_and_max_through_dispatch():
    Wm, onehot = RNG.normal(size=(3, 4)), np.eye(4)[RNG.integers(0, 4, size=12)]
    log, (X_, Y_) = _recorded(X, onehot)
    g = srcgrad.grad(softmax_xent, mode="compile")(Wm, X_, Y_)
    assert isinstance(g, Recorded)
    np.testing.assert_allclose(g.data, numeric_grad(softmax_xent, (Wm, X, onehot), 0),
                               rtol=1e-6)
    assert "sum" in log and "exp" in log


def test_a_loop_over_a_dispatching_array():
    xs = RNG.normal(size=(4, 2))
    log, (w, xs_) = _recorded(np.array([0.3, -0.2]), xs)
    g = srcgrad.grad(loop_model, mode="compile")(w, xs_)
    np.testing.assert_allclose(np.asarray(g.data if isinstance(g, Recorded) else g),
                               numeric_grad(loop_model, (np.array([0.3, -0.2]), xs), 0),
                               rtol=1e-6)


def test_the_tape_refuses_a_dispatching_array():
    log, (X_,) = _recorded(X)
    with pytest.raises(TypeError, match=r"test_duck_dispatch.py.*NumPy arrays only"):
        srcgrad.grad(logistic, mode="tape")(W, 0.2, X_, Y)


def test_is_duck_reads_only_the_type():
    from srcgrad.runtime import is_duck, known_shape
    log, (X_,) = _recorded(X)
    assert is_duck(X_) and known_shape(X_) == X.shape and not log
    assert not is_duck(X) and not is_duck(srcgrad.torch.tensor(X))    # the tape's Tensor is its own
