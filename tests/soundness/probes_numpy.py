"""Probe programs for test_probes.py -- the NumPy surface: indexing, einsum, linalg, reductions, ufuncs, shapes.

Written the way other people write NumPy; the compiler reads this file, and a refusal
must name it."""

import functools
import itertools
import math
import operator

import numpy as np
import numpy as xp_alias

from probes_data import *  # noqa: F401,F403


def r_concat(x):
    return np.sum(np.r_[x, x ** 2] * np.arange(6))


def c_concat(x):
    return np.sum(np.c_[x, 2 * x] ** 2)


def einsum_string(X):
    return np.einsum("ij,jk->", X, M3) + np.einsum("ii", X)


def einsum_sublist(X):
    return np.sum(np.einsum(X, [0, 1], [1, 0]) * M3)


def einsum_batch(x):
    A = x.reshape(3, 1, 1) * np.ones((3, 2, 2))
    return np.sum(np.einsum("bij,bjk->bik", A, A))


def ndarray_methods(X):
    return X.sum() + X.mean(axis=0).dot(X3) + X.T.reshape(-1)[2] + X.max() + X.prod()


def ndarray_methods2(x):
    return x.cumsum().sum() + x.var() + x.std() + np.sum(x.clip(0.4, 0.7))


def eigh_probe(X):
    S = X + X.T
    w, V = np.linalg.eigh(S)
    return np.sum(w * np.array([1.0, 2.0, 3.0]))


def eigh_named(X):
    S = X @ X.T
    res = np.linalg.eigh(S)
    return np.sum(res.eigenvalues ** 2)


def svd_probe(X):
    U, s, Vt = np.linalg.svd(X)
    return np.sum(s * np.array([1.0, 0.5, 0.25]))


def svd_named(X):
    r = np.linalg.svd(X, full_matrices=False)
    return np.sum(r.S) + np.sum(np.abs(r.U[:, 0]))


def qr_probe(X):
    Qm, R = np.linalg.qr(X)
    return np.sum(np.abs(np.diag(R)))


def det_inv_solve(X):
    return np.linalg.det(X) + np.sum(np.linalg.inv(X)) + np.sum(np.linalg.solve(X, X3))


def norms(X):
    return np.linalg.norm(X) + np.sum(np.linalg.norm(X, axis=1)) + np.linalg.norm(X[0], 1)


def cumprod_zero(x):
    y = np.array([x[0], 0.0, x[1], x[2]])
    return np.sum(np.cumprod(y) * np.array([1.0, 2.0, 3.0, 4.0]))


def cumprod_plain(x):
    return np.sum(np.cumprod(x))


def prod_zero(x):
    y = x * np.array([1.0, 0.0, 1.0])
    return np.prod(y) + np.prod(x)


def sum_where(x):
    return np.sum(x ** 2, where=np.array([True, False, True]))


def mean_where(x):
    return np.mean(x, where=x > 0.4) + np.max(x, initial=0.0, where=np.array([True, True, False]))


def empty_array(x):
    e = x[:0]
    return np.sum(e) + np.sum(x) + np.sum(e * 3.0)


def empty_mean(x):
    return np.sum(x) + np.sum(np.zeros((0, 3)) @ x)


def divmod_probe(x):
    q, r = np.divmod(x * 3.0, 1.0)
    return np.sum(r ** 2)


def modf_probe(x):
    frac, whole = np.modf(x * 3.0)
    return np.sum(frac * 2.0 + whole)


def nonsmooth(x):
    return np.sum(np.maximum(x, 0.5) + np.abs(x - 0.6) + np.minimum(x, 0.4)) + np.max(x)


def clip_where(x):
    return np.sum(np.clip(x, 0.4, 0.7) ** 2 + np.where(x > 0.5, x, 0.0))


def trig2(x):
    return np.sum(np.hypot(x, 1.0) + np.arctan2(x, 0.5))


def outer_kron(x):
    return np.sum(np.outer(x, x) * M3) + np.sum(np.kron(x, X3))


def tri_diag(X):
    return np.sum(np.tril(X) * 2) + np.sum(np.triu(X, 1)) + np.trace(X) + np.sum(np.diag(X))


def stacking(x):
    return (np.sum(np.stack([x, x ** 2]) * 2) + np.sum(np.vstack([x, x])[1])
            + np.sum(np.hstack([x, x * 3])) + np.sum(np.concatenate([x, [1.0]]) ** 2))


def flips(x):
    return np.sum(x[::-1] * X3) + np.sum(np.flip(x) * X3 ** 2)


def roll_probe(x):
    return np.sum(np.roll(x, 1) * X3)


def diff_probe(x):
    return np.sum(np.diff(x) ** 2) + np.sum(np.cumsum(x) * X3)


def var_ddof(X):
    return np.sum(np.var(X, axis=0, ddof=1)) + np.std(X, ddof=1)


def mean_axis_tuple(X):
    return np.mean(X, axis=(0, 1)) + np.sum(np.mean(X[None], axis=(0, 2)) ** 2)


def powers(x):
    return np.sum(x ** 2 + x ** x + np.power(x, 3) + 2.0 ** x + x ** 0.5)


def matmul_self(X):
    return np.sum(X @ X) + np.sum(np.linalg.matrix_power(X, 3))


def newaxis_broadcast(x):
    return np.sum(x[:, np.newaxis] * x[None, :] * M3)


def bool_mask_index(x):
    return np.sum(x[x > 0.5] ** 2)


def argmax_select(x):
    return x[np.argmax(x)] * 2 + x[np.argmin(x)]


def logaddexp_reduce(x):
    return np.logaddexp.reduce(x) + np.maximum.reduce(x)


def lstsq_probe(X):
    sol = np.linalg.lstsq(X, X3, rcond=None)[0]
    return np.sum(sol ** 2)


def interp_probe(x):
    return np.sum(np.interp(x, PTS, YS))


def polyval_probe(x):
    return np.sum(np.polyval([1.0, -2.0, 0.5], x))


def convolve_probe(x):
    return np.sum(np.convolve(x, np.array([1.0, 0.5]), mode="full") ** 2)


def trapezoid_probe(x):
    return np.trapezoid(x ** 2, dx=0.5)


def meshgrid_probe(x):
    A, B = np.meshgrid(x, X3)
    return np.sum(A * B)


def tile_repeat(x):
    return np.sum(np.tile(x, 2) * np.arange(6)) + np.sum(np.repeat(x, 2) ** 2)


def pad_probe(x):
    return np.sum(np.pad(x, 1) * np.arange(5)) + np.sum(np.pad(x, (1, 2), mode="edge"))


def take_probe(X):
    return np.sum(np.take(X, [0, 2, 2], axis=1)) + np.sum(
        np.take_along_axis(X, np.array([[0], [1], [2]]), axis=1) ** 2)


def ones_like_mul(x):
    return np.sum(np.ones_like(x) * x + np.zeros_like(x) + np.full_like(x, 2.0) * x)


def full_like_active(x):
    return np.sum(np.full_like(X3, x) * X3)


def linspace_active(x):
    return np.sum(np.linspace(0.0, x, 5) ** 2)


def arange_then_index(x):
    idx = np.arange(3)
    return np.sum(x[idx] * idx)


def astype_probe(x):
    return np.sum(x.astype(np.float64) ** 2) + np.sum(x.astype(int))


def float32_ops(x):
    y = x.astype(np.float32)
    return float(np.sum(y * y))


def complex_abs(x):
    z = x + 1j * X3
    return np.sum(np.abs(z) ** 2)


def reshape_ravel(X):
    return np.sum(X.ravel() * np.arange(9)) + np.sum(X.flatten() ** 2) + np.sum(
        np.reshape(X, (9,))[:3])


def squeeze_expand(x):
    return np.sum(np.expand_dims(x, 0).squeeze() ** 2) + np.sum(np.atleast_2d(x))


def swap_moveaxis(X):
    return np.sum(np.swapaxes(X, 0, 1) * M3) + np.sum(np.moveaxis(X[None], 0, 2)[..., 0] * M3)


def split_probe(x):
    a, b = np.split(np.concatenate([x, x]), 2)
    return np.sum(a * b)


def sqrt_norm(x):
    return np.sqrt(np.sum(x ** 2)) + np.sqrt(x @ x)


def scalar_python_ops(x):
    return (x * 2 - 1) ** 2 / (x + 3) + abs(x - 1) + max(x, 0.2) + x ** -1


def numpy_scalar_arg(x):
    return np.exp(x) * np.float64(2.0) + np.sin(x)


def tensordot_probe(X):
    return np.sum(np.tensordot(X, M3, axes=1)) + np.sum(np.tensordot(X, M3, axes=([0, 1], [1, 0])))


def cross_probe(x):
    return np.sum(np.cross(x, X3) ** 2)


def dot_vdot_inner(x):
    return np.dot(x, X3) + np.vdot(x, x) + np.inner(x, X3)


def any_all_guard(x):
    if np.any(x > 0.7) and np.all(x > 0):
        return np.sum(x ** 2)
    return 0.0


def isfinite_mask(x):
    y = np.where(np.isfinite(x), x, 0.0)
    return np.sum(y ** 2)


def nan_safe(x):
    return np.nansum(x ** 2) + np.nanmean(x)


def set_global_array(x):
    buf = np.zeros(3)
    buf[:] = x
    buf2 = buf
    buf2[1] = 0.0
    return np.sum(buf * x)


def view_write(x):
    y = x * 1.0
    v = y[1:]
    v *= 3.0
    return np.sum(y ** 2)


def reshape_view_write(x):
    y = np.zeros(4)
    y.reshape(2, 2)[0, :] = x[:2]
    return np.sum(y * np.arange(4))


def transpose_view_write(X):
    Y = X * 1.0
    Y.T[0] = 0.0
    return np.sum(Y * M3)


def ravel_view_write(X):
    Y = X * 1.0
    Y.ravel()[0] = 5.0
    return np.sum(Y * Y)


def tuple_return_helper(x):
    a, b = _pair(x)
    return np.sum(a * b)


def _pair(v):
    return np.sin(v), np.cos(v)


def nested_helpers(x):
    return _outer(x)


def _outer(v):
    return _inner(v) * 2.0


def _inner(v):
    return np.sum(np.exp(v))


def staticmethod_call(x):
    return _Tools.energy(x)


class _Tools:
    @staticmethod
    def energy(v):
        return 0.5 * np.sum(v * v)


def where_ufunc(x):
    out = np.zeros(3)
    np.exp(x, out=out, where=np.array([True, False, True]))
    return np.sum(out)


def matrix_subclass(x):
    m = np.matrix(np.outer(x, x))
    return float(np.sum(m))


def masked_array(x):
    m = np.ma.masked_array(x, mask=[False, True, False])
    return m.sum()


def logdet_via_cholesky(X):
    S = X @ X.T + np.eye(3)
    L = np.linalg.cholesky(S)
    return 2.0 * np.sum(np.log(np.diagonal(L)))


def exp_large_stable(x):
    big = x * 100.0
    m = big.max()
    return m + np.log(np.exp(big - m).sum())


def sign_times(x):
    return np.sum(np.sign(x - 0.5) * x)


def floor_frac(x):
    return np.sum(x * 3.0 - np.floor(x * 3.0))


def round_trip_int_index(x):
    i = int(np.floor(x[1] * 3.0))
    return x[i] * 5.0


def fori_accumulate_array(x):
    acc = np.zeros(3)
    for i in range(3):
        acc[i] = acc[i - 1] * x[i] + x[i]
    return np.sum(acc)


def while_list_growth(x):
    vals = [x]
    while len(vals) < 4:
        vals.append(np.sin(vals[-1]))
    return np.sum(np.stack(vals))


def string_format_value(x):
    label = "loss=%.3f" % np.sum(x)
    return np.sum(x ** 2) * len(label)


def conditional_expression(x):
    y = x * 2 if x[0] > 0 else x * 3
    return np.sum(y ** 2)


def chained_compare(x):
    return np.sum(x[(x > 0.4) & (x < 0.7)]) + np.sum(x)
