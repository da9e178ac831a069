"""Probe programs for test_probes.py -- more idioms: conversions at the top of a function, iterative solvers, nested containers, SciPy, operator/itertools.

Written the way other people write NumPy; the compiler reads this file, and a refusal
must name it."""

import functools
import itertools
import math
import operator

import numpy as np
import numpy as xp_alias

from probes_data import *  # noqa: F401,F403


import operator
import itertools


def asarray_first(x):
    x = np.asarray(x, dtype=float)
    return np.sum(x ** 2)


def array_copy_first(x):
    x = np.array(x)
    x[0] = 0.0
    return np.sum(x * X3)


def atleast_1d_first(x):
    x = np.atleast_1d(x)
    return np.sum(np.sin(x))


def reparameterise(mu):
    rng = np.random.default_rng(0)
    eps = rng.standard_normal(3)
    z = mu + np.exp(0.5 * mu) * eps
    return np.sum(z ** 2)


def seeded_noise(x):
    np.random.seed(1)
    noise = np.random.randn(3)
    return np.sum(x * noise)


def math_more(x):
    return math.pow(x, 3) + math.hypot(x, 2.0) + math.atan2(x, 1.5) + math.erf(x)


def scalar_conversions(x):
    return np.float64(x) * 2.0 + float(x) ** 2


def builtins_on_array(x):
    return sum(abs(x - 0.5)) + pow(x[0], 3) + max(x[0], x[1]) + min(x, key=lambda v: -v)


def mod_floordiv(x):
    return np.sum(x % 0.25 + (x // 0.25) * 0.1)


def assert_and_print(x):
    assert np.all(x > 0), "positive"
    if x.ndim == 1 and x.size == len(x):
        return np.sum(x ** 2)
    return 0.0


def dtype_of_active(x):
    out = np.zeros(3, dtype=x.dtype)
    out[:] = x * 2.0
    return np.sum(out * X3)


def zeros_like_fill(x):
    out = np.zeros_like(x)
    for i in range(len(x)):
        out[i] = x[i] ** 2 + (out[i - 1] if i else 0.0)
    return np.sum(out)


def power_iteration(X):
    A = X @ X.T
    v = np.ones(3) / np.sqrt(3.0)
    for _ in range(30):
        v = A @ v
        v = v / np.linalg.norm(v)
    return v @ A @ v


def fixed_point(a):
    y = 0.5
    for _ in range(60):
        y = np.cos(a * y)
    return y


def gauss_seidel(b):
    A = np.array([[4.0, 1.0, 0.0], [1.0, 3.0, 1.0], [0.0, 1.0, 2.0]])
    y = np.zeros(3)
    for _ in range(25):
        for i in range(3):
            y[i] = (b[i] - A[i] @ y + A[i, i] * y[i]) / A[i, i]
    return np.sum(y * X3)


def _rk4(f, y, h):
    k1 = f(y)
    k2 = f(y + 0.5 * h * k1)
    k3 = f(y + 0.5 * h * k2)
    k4 = f(y + h * k3)
    return y + h / 6.0 * (k1 + 2 * k2 + 2 * k3 + k4)


def rk4_closure(x):
    rate = x[0]
    y = x[1:]
    for _ in range(5):
        y = _rk4(lambda v: -rate * v + np.sin(v), y, 0.1)
    return np.sum(y)


def inner_gradient_descent(x):
    w = np.zeros(3)
    for _ in range(5):
        g = 2 * (w - x)
        w = w - 0.1 * g
    return np.sum(w ** 2)


def _energy(v):
    return np.sum(v ** 3)


def grad_inside(x):
    import srcgrad
    return np.sum(srcgrad.grad(_energy)(x) ** 2)


def late_binding_lambdas(x):
    fs = [lambda: x[i] for i in range(3)]
    return sum(f() for f in fs)


def default_arg_lambda(x):
    f = lambda v, s=x: v * s  # noqa: E731
    return np.sum(f(x))


class _Layer:
    def __init__(self, W):
        self.W = W

    def forward(self, v):
        return np.tanh(v @ self.W)


def method_call(x):
    layer = _Layer(W34)
    return np.sum(layer.forward(x) ** 2)


def setattr_active(x):
    layer = _Layer(W34)
    layer.W = layer.W * x[0]
    return np.sum(layer.forward(x))


def operator_module(x):
    return np.sum(operator.mul(x, x)) + functools.reduce(operator.mul, x)


def itertools_accumulate(x):
    return sum(itertools.accumulate(x))


def reversed_neg_index(x):
    total = 0.0
    for i, v in enumerate(reversed(x)):
        total = total + v * (i + 1)
    return total + x[-1] * x[-2]


def slicing_variety(x):
    return np.sum(x[1:-1]) + np.sum(x[::-2] ** 2) + np.sum(x[..., None] * x)


def ix_and_pairs(X):
    return np.sum(X[np.ix_([0, 2], [1, 2])] ** 2) + np.sum(X[[0, 1], [1, 2]]) + np.sum(
        X[:, [0, 0]])


def mask_write_active(x):
    y = x * 1.0
    y[y > 0.5] = 0.0
    return np.sum(y * X3)


def where_indices(x):
    idx = np.where(x > 0.4)[0]
    return np.sum(x[idx] ** 2)


def reverse_argsort(x):
    return np.sum(x[x.argsort()[::-1]] * X3)


def keepdims_reductions(X):
    return np.sum(X / X.sum(axis=1, keepdims=True)) + np.sum(X.max(axis=0, keepdims=True) * X)


def ufunc_zoo(x):
    return np.sum(np.exp2(x) + np.log2(x) + np.cbrt(x) + np.square(x) + np.reciprocal(x)
                  + np.negative(x) + np.deg2rad(x) + np.sinc(x) + np.log10(x) + np.arcsinh(x))


def fmax_copysign(x):
    return np.sum(np.fmax(x, 0.5) + np.copysign(x, -1.0) + np.heaviside(x - 0.5, 0.5) * x)


def frexp_ldexp(x):
    m, e = np.frexp(x)
    return np.sum(m * 2.0) + np.sum(np.ldexp(x, 2))


def reduce_dtype(x):
    return np.sum(x, dtype=np.float64) + np.mean(x, dtype=np.float64)


def median_percentile(x):
    return np.median(x) + np.percentile(x, 50.0)


def sort_axis(X):
    return np.sum(np.sort(X, axis=0) * M3)


def cumsum_axis_maxacc(X):
    return np.sum(np.cumsum(X, axis=0) * M3) + np.sum(np.maximum.accumulate(X[0]))


def einsum_forms(x):
    return np.einsum("i,i", x, x) + np.sum(np.einsum("ii->i", np.outer(x, x))) + np.einsum(
        "i,j->", x, x)


def batched_linalg(x):
    A = np.eye(3)[None] + x[:, None, None] * np.ones((3, 3, 3)) * 0.1
    return np.sum(np.linalg.inv(A)) + np.sum(np.linalg.det(A))


def eigvalsh_norm2(X):
    S = X @ X.T
    return np.sum(np.linalg.eigvalsh(S)) + np.linalg.norm(X, 2)


def scipy_logsumexp(x):
    from scipy.special import logsumexp
    return logsumexp(x)


def scipy_expit(x):
    from scipy.special import expit
    return np.sum(expit(x))


def searchsorted_select(x):
    i = np.searchsorted(PTS, x[0])
    return x[1] * i + np.sum(x)


def histogram_weights(x):
    h, _ = np.histogram(PTS, bins=3, weights=YS * x[0])
    return np.sum(h * np.arange(3))


def unique_counts(x):
    u = np.unique(np.round(x, 1))
    return np.sum(x) * len(u)


def neg_int_power(x):
    return np.sum(x ** -2) + np.sum(1.0 / x ** 3)


def nested_containers(x):
    state = {"h": [x, x * 2], "c": (x ** 2,)}
    state["h"][1] = state["h"][1] + state["c"][0]
    return np.sum(state["h"][1] * state["h"][0])


def list_of_arrays_stack(x):
    rows = []
    for i in range(3):
        rows.append(x * (i + 1))
    return np.sum(np.array(rows) ** 2) + np.sum(np.vstack(rows))


def tuple_swap(x):
    a, b = x[0], x[1]
    for _ in range(3):
        a, b = b, a * b + 0.1
    return a + b


def while_break_active(x):
    y = x
    n = 0
    while True:
        y = y * 0.9 + 0.01
        n += 1
        if np.sum(y) < 1.0 or n > 50:
            break
    return np.sum(y ** 2)


def global_counter_side_effect(x):
    _CALLS.append(1)
    return np.sum(x ** 2)


_CALLS = []


def annotated_helper(x):
    return np.sum(_annotated(x, 2))


def _annotated(v: np.ndarray, k: int = 1) -> np.ndarray:
    return v ** k


def bound_method_numpy(x):
    f = x.dot
    return f(X3) + x.sum() * x.max()


def getattr_dispatch(x):
    fn = getattr(np, "sin")
    return np.sum(fn(x))


def np_vectorized_piecewise(x):
    return np.sum(np.piecewise(x, [x < 0.5, x >= 0.5], [lambda v: v ** 2, lambda v: 2 * v]))


def select_probe(x):
    return np.sum(np.select([x < 0.4, x < 0.6], [x ** 2, x * 3], default=np.sin(x)))


def apply_along_axis(X):
    return np.sum(np.apply_along_axis(np.sum, 0, X ** 2))


def float32_matmul(x):
    W = W34.astype(np.float32)
    return np.sum(np.tanh(x @ W))


def int_array_arg(x, idx):
    return np.sum(x[idx] ** 2) + np.sum(x * idx)


def kwarg_only_helper(x):
    return np.sum(_kwonly(x, scale=3.0))


def _kwonly(v, *, scale):
    return v * scale


INF = float("inf")
F32 = np.float32(2.0)


def generated_names(x):
    _pop = 0.0
    _push = x
    _stack = []
    _final = 1.0
    _calls = 2.0
    for i in range(3):
        _stack.append(_push[i] * _calls)
        _pop = _pop + _stack[-1] * _final
    return _pop


def strides_attrs(x):
    return np.sum(x) * (x.strides[0] / 8) + x.itemsize + x.nbytes / 24.0 + x.shape[0]


def global_inf_f32(x):
    return np.sum(np.minimum(x, INF) * F32)


def empty_reductions(x):
    return np.sum(x) + np.max(x[:0], initial=0.0) + np.prod(x[:0]) + np.sum(x[:0] ** 2)


def gp_try_except(log_ell):
    K = np.exp(-0.5 * (PTS[:, None] - PTS[None, :]) ** 2 / np.exp(log_ell) ** 2) + 0.1 * np.eye(4)
    try:
        sign, logdet = np.linalg.slogdet(K)
        w, V = np.linalg.eigh(K)
    except np.linalg.LinAlgError:
        return 0.0
    return logdet + np.sum(w ** 2) + YS @ np.linalg.solve(K, YS)


def softmax_inplace(x):
    e = np.exp(x - x.max())
    e /= e.sum()
    return -np.log(e[0])


def adam_steps(x):
    w = np.zeros(3)
    m = np.zeros(3)
    v = np.zeros(3)
    for t in range(1, 4):
        g = 2 * (w - x)
        m *= 0.9
        m += 0.1 * g
        v *= 0.99
        v += 0.01 * g * g
        w = w - 0.1 * (m / (1 - 0.9 ** t)) / (np.sqrt(v / (1 - 0.99 ** t)) + 1e-8)
    return np.sum(w ** 2)


def clipped_xent(x):
    p = 1 / (1 + np.exp(-x))
    p = np.clip(p, 1e-7, 1 - 1e-7)
    return -np.sum(X3 * np.log(p) + (1 - X3) * np.log(1 - p))


def huber(x):
    r = x - np.array([0.0, 0.9, 0.2])
    return np.sum(np.where(np.abs(r) < 0.5, 0.5 * r ** 2, 0.5 * (np.abs(r) - 0.25)))


def sliding_window(x):
    w = np.lib.stride_tricks.sliding_window_view(x, 2)
    return np.sum(w @ np.array([1.0, -0.5]))


def einsum_optimize(X):
    return np.einsum("ij,jk,ki->", X, M3, X, optimize=True)


def covariance_loop(X):
    C = np.zeros((3, 3))
    for row in X:
        C += np.outer(row, row)
    return np.trace(C @ C)


def vander_features(x):
    return np.sum(np.vander(x, 3) @ np.array([1.0, 0.5, 0.25]))


def diag_diag(X):
    return np.sum(np.diag(np.diag(X)) * M3) + np.sum(X.diagonal() ** 2)


def zero_d_array(x):
    return np.sin(x) * x ** 2


def fft_power(x):
    return np.sum(np.abs(np.fft.fft(x)) ** 2) + np.sum(np.fft.rfft(x).real)


def eig_general(X):
    w = np.linalg.eigvals(X)
    return np.sum(np.abs(w))


def scipy_expm(X):
    from scipy.linalg import expm
    return np.sum(expm(X * 0.1))


def normalise_rows_inplace(X):
    Y = X.copy()
    Y /= np.linalg.norm(Y, axis=1, keepdims=True)
    return np.sum(Y * M3)


def axis_negative(X):
    return np.sum(X.sum(axis=-1) ** 2) + np.sum(np.sum(X, axis=None, keepdims=True))


BUF = np.zeros(3)


def mask_augassign(x):
    y = x.copy()
    y[y > 0.5] *= 2.0
    return np.sum(y ** 2)


def shape_assign(x):
    y = np.outer(x, x)
    y.shape = (9,)
    return np.sum(y * np.arange(9))


def view_base(x):
    y = (x * 2).view()
    return np.sum(y ** 2)


def flat_write(x):
    y = x * 1.0
    y.flat[0] = 5.0
    return np.sum(y * x)


def flat_iter(x):
    return sum(v * v for v in x.flat)


def real_conj(x):
    return np.sum(x.real * x.conj()) + np.sum(x.imag)


def copy_order(X):
    return np.sum(X.T.copy(order="F") * M3)


def sum_start(x):
    return sum(x, 1.0) * sum(x)


def dot_out(x):
    out = np.zeros(3)
    np.dot(M3, x, out=out)
    return np.sum(out ** 2)


def imatmul(x):
    y = x * 1.0
    y @= M3
    return np.sum(y ** 2)


def mutate_argument(x):
    x += 1.0
    return np.sum(x ** 2)


def mutate_argument_slice(x):
    x[0] = 0.0
    return np.sum(x ** 2)


def ravel_write_copy(X):
    y = X.flatten()
    y[0] = 0.0
    return np.sum(y * y)


def tuple_index_write(X):
    Y = X * 1.0
    Y[(0, 1)] = 3.0
    Y[1, ...] *= 2.0
    return np.sum(Y * M3)


def negative_step_write(x):
    y = np.zeros(3)
    y[::-1] = x
    return np.sum(y * X3)


def setitem_broadcast(X):
    Y = np.zeros((3, 3))
    Y[:] = X[0]
    Y[:, 1] = X[:, 2]
    return np.sum(Y * M3)


def nested_index_read(X):
    return X[1][2] * X[0][0] + np.sum(X[0][1:])


def where_one_arg(x):
    idx = np.nonzero(x > 0.5)
    return np.sum(x[idx] ** 2) + np.sum(np.argwhere(x > 0.4)) * np.sum(x)


def sum_of_generator_of_arrays(X):
    return np.sum(sum(row ** 2 for row in X))


def max_of_list(x):
    return max([x[0] * 2, x[1], x[2] * 0.5])


def sorted_key(x):
    items = sorted(zip(x, X3), key=lambda p: p[1])
    return items[0][0] * 3 + items[-1][0]


def global_write(x):
    BUF[:] = x
    return np.sum(BUF * X3)


def sum_rows(X):
    return sum(X) @ np.array([1.0, 2.0, 3.0]) + sum(X, np.ones(3)) @ np.ones(3)


def inplace_on_tuple_outputs(X):
    S = X @ X.T
    w, V = np.linalg.eigh(S)
    w *= 2.0
    sign, logdet = np.linalg.slogdet(S)
    logdet += 1.0
    return np.sum(w) + logdet


def scalar_alias(x):
    s = np.sum(x)
    s += 1.0
    t = s
    s *= 2.0
    return t + s


def element_alias(x):
    a = x[0]
    a += 1.0
    return a * np.sum(x)


def row_view_inplace(X):
    Y = X.copy()
    row = Y[0]
    row += 1.0
    return np.sum(Y ** 2)


def overlapping_update(X):
    Y = X * 1.0
    Y[0] += Y[1]
    Y[1:] *= Y[:-1]
    return np.sum(Y)


def ellipsis_assign(x):
    y = np.empty(3)
    y[...] = x
    y[:] = np.sin(y)
    return np.sum(y)


def np_copy_inplace(x):
    y = np.copy(x)
    y[1] = y[0] * y[2]
    return np.sum(y ** 2)


def swap_rows(X):
    Y = X.copy()
    Y[[0, 1]] = Y[[1, 0]]
    return np.sum(Y * M3)


def misc_methods(X):
    return X.T.dot(X).sum() + X.mean(0).sum() + X.max(1).sum() + np.linalg.norm(X[0], ord=np.inf) + np.abs(X).max()


def ndindex_loop(X):
    total = 0.0
    for idx in np.ndindex(*X.shape):
        total = total + X[idx] * (idx[0] + 1)
    return total


def diagonal_view_write(X):
    Y = X.copy()
    d = np.einsum("ii->i", Y)
    return np.sum(d ** 2)


def matrix_row_loop_inplace(X):
    Y = X.copy()
    for i in range(1, 3):
        Y[i] = Y[i] - Y[i - 1] * 0.5
    return np.sum(Y ** 2)


def cumulative_python(x):
    acc = 0.0
    out = []
    for v in x:
        acc += v
        out.append(acc)
    return np.sum(np.array(out) ** 2)


def argmax_onehot(x):
    onehot = np.zeros(3)
    onehot[np.argmax(x)] = 1.0
    return np.sum(onehot * x)


def tensordot_int_axes(X):
    return np.tensordot(X, M3, 2)


def stack_axis1(x):
    return np.sum(np.stack([x, x ** 2], axis=1) * np.arange(6).reshape(3, 2))


def expand_then_write(x):
    y = np.broadcast_to(x, (2, 3)).copy()
    y[0] = 0.0
    return np.sum(y * y)
