"""Explicit forward-mode rules: ``jvp(t, ans, *args, **params)``, the
contribution of argument ``t``'s tangent to the output's, for primitives
whose JVP is neither ``fn`` of the tangent (linear) nor the VJP read as a
diagonal (elementwise).  Standard formulas (``d inv = -inv dA inv``...).
"""

import numpy as np

from . import defvjp  # noqa: F401
from .jvp import defjvp, DERIVED, transposition
from .linalg_more import _by_value
from .. import runtime  # noqa: F401

# ----------------------------------------------------------- linear algebra


def _eig_gaps(w):
    """``F_ij = 1 / (w_j - w_i)`` off the diagonal, 0 on it."""
    diff = w[..., None, :] - w[..., :, None]
    n = np.shape(w)[-1]
    eye = np.eye(n, dtype=bool)
    return np.where(eye, 0.0, 1.0 / np.where(eye, 1.0, diff))


def eig_jvp(t, ans, a):
    """``dw = diag(V^-1 dA V)``, ``dV = V (F o V^-1 dA V)`` with each column's
    norm kept 1 (NumPy's normalisation); the phase is left free, as eig's
    vectors are defined up to one."""
    w, v = ans
    p = np.linalg.solve(v, np.matmul(t, v))
    dw = np.diagonal(p, axis1=-2, axis2=-1)
    dv = np.matmul(v, _eig_gaps(w) * p)
    dv = dv - v * np.real(np.sum(np.conj(v) * dv, axis=-2, keepdims=True))
    return (dw, dv)


defjvp(np.linalg.eig, eig_jvp)


def _mH(x):
    return np.conj(np.swapaxes(x, -1, -2))


def _mT(x):
    return np.swapaxes(x, -1, -2)


def _hermitian_read(t, lower=True):
    """The tangent of the Hermitian matrix NumPy reads from one triangle of
    ``t`` (``eigh``/``cholesky`` read the lower one by default; the imaginary
    part of the diagonal is ignored)."""
    part = np.tril(t, -1) if lower else np.triu(t, 1)
    n = np.shape(t)[-1]
    return part + _mH(part) + np.real(t) * np.eye(n)


def inv_jvp(t, ans, a):
    return -np.matmul(ans, np.matmul(t, ans))


def _matvec(m, x):
    return np.einsum("...ij,...j->...i", m, x)


def solve_jvp_a(t, ans, a, b):
    """``d x = -A^-1 dA x`` (``b`` a vector when it is 1-D, as NumPy 2 reads it)."""
    if np.ndim(b) == 1:
        return -np.linalg.solve(a, _matvec(t, ans)[..., None])[..., 0]
    return -np.linalg.solve(a, np.matmul(t, ans))


def solve_jvp_b(t, ans, a, b):
    if np.ndim(b) == 1:
        return np.linalg.solve(a, np.broadcast_to(t, np.shape(ans))[..., None])[..., 0]
    return np.linalg.solve(a, t)


def det_jvp(t, ans, a):
    """``d det = det tr(A^-1 dA)``."""
    return ans * np.trace(np.linalg.solve(a, t), axis1=-2, axis2=-1)


def slogdet_jvp(t, ans, a):
    """``d log|det| = Re tr(A^-1 dA)``; a complex sign turns by ``i Im tr(A^-1 dA)``,
    a real one is piecewise constant."""
    tr = np.trace(np.linalg.solve(a, t), axis1=-2, axis2=-1)
    sign = ans[0]
    dsign = sign * 1j * np.imag(tr) if runtime.is_complex(sign) else np.zeros(np.shape(sign))
    return (dsign, np.real(tr))


def cholesky_jvp(t, ans, a, upper=False):
    """``dL = L Phi(L^-1 dA L^-H)``, Phi keeping the lower triangle and half
    the diagonal; ``dA`` read from the triangle NumPy reads."""
    runtime.real_only(a, "np.linalg.cholesky")
    runtime.numpy_semantics_only(ans, np.linalg.cholesky)   # (runtime/duck.py's table)
    L = _mT(ans) if upper else ans
    s = _hermitian_read(t, lower=not upper)
    x = np.linalg.solve(L, _mH(np.linalg.solve(L, _mH(s))))
    phi = np.tril(x) - 0.5 * x * np.eye(np.shape(x)[-1])
    dL = np.matmul(L, phi)
    return _mT(dL) if upper else dL


def eigh_jvp(t, ans, a, UPLO="L"):
    """``dw = Re diag(V^H dA V)``, ``dV = V (F o V^H dA V)``,
    ``F_ij = 1 / (w_j - w_i)`` (distinct eigenvalues)."""
    w, v = ans
    p = np.matmul(_mH(v), np.matmul(_hermitian_read(t, UPLO.upper() == "L"), v))
    return (np.real(np.diagonal(p, axis1=-2, axis2=-1)), np.matmul(v, _eig_gaps(w) * p))


def eigvalsh_jvp(t, ans, a, UPLO="L"):
    w, v = np.linalg.eigh(a, UPLO)
    s = _hermitian_read(t, UPLO.upper() == "L")
    return np.real(np.einsum("...ji,...jk,...ki->...i", np.conj(v), s, v))


def svd_jvp(t, ans, a, full_matrices=True, compute_uv=True, hermitian=False):
    """The thin SVD's tangents (as JAX's ``svd_jvp``): ``ds = Re diag(U^H dA V)``,
    ``dU = U (F o (dS S + S dS^H) + i Im diag(dS) / s) + (I - UU^H) dA V / s``,
    ``dV`` alike; ``F_jk = 1 / (s_k^2 - s_j^2)``.  Distinct nonzero singular
    values.  A full SVD of a non-square matrix (whose extra columns are not
    unique) is derived by transposition, as its VJP ignores them."""
    if not compute_uv:
        u, s, vh = np.linalg.svd(a, full_matrices=False)
        return np.real(np.einsum("...ji,...jk,...ik->...i", np.conj(u), t, np.conj(vh)))
    m, n = np.shape(a)[-2:]
    if full_matrices and m != n:
        return _SVD_BY_TRANSPOSITION(t, ans, a, full_matrices=full_matrices)
    u, s, vh = ans
    v = _mH(vh)
    ds_mat = np.matmul(_mH(u), np.matmul(t, v))
    ds = np.real(np.diagonal(ds_mat, axis1=-2, axis2=-1))
    srow = s[..., None, :]
    diffs = (srow + _mT(srow)) * (srow - _mT(srow))
    eye = np.eye(np.shape(s)[-1])
    F = 1.0 / (diffs + eye) - eye
    dss = srow * ds_mat
    sds = _mT(srow) * ds_mat
    dU = np.matmul(u, F * (dss + _mH(dss)) + 0.5 * (ds_mat - _mH(ds_mat)) * (eye / (srow + 1 - eye)))
    dV = np.matmul(v, F * (sds + _mH(sds)))
    if m > n:
        dav = np.matmul(t, v)
        dU = dU + (dav - np.matmul(u, np.matmul(_mH(u), dav))) / srow
    if n > m:
        dahu = np.matmul(_mH(t), u)
        dV = dV + (dahu - np.matmul(v, np.matmul(vh, dahu))) / srow
    return (dU, ds, _mH(dV))


def svdvals_jvp(t, ans, x):
    u, s, vh = np.linalg.svd(x, full_matrices=False)
    return np.real(np.einsum("...ji,...jk,...ik->...i", np.conj(u), t, np.conj(vh)))


def matrix_power_jvp(t, ans, a, n):
    """``sum_k A^k dA A^(n-1-k)``; a negative power through ``d inv``."""
    if n == 0:
        return np.zeros(np.shape(ans), dtype=np.result_type(ans, t))
    base, dbase = a, t
    if n < 0:
        base = np.linalg.inv(a)
        dbase = -np.matmul(base, np.matmul(t, base))
        n = -n
    powers = [np.broadcast_to(np.eye(np.shape(a)[-1]), np.shape(base))]
    for _ in range(n - 1):
        powers.append(np.matmul(powers[-1], base))
    return sum(np.matmul(powers[k], np.matmul(dbase, powers[n - 1 - k])) for k in range(n))


def multi_dot_jvp(t, ans, arrays, out=None):
    """The product rule over the list: one term per factor."""
    terms = []
    for k, tk in enumerate(t):
        if tk is None or not np.any(tk):
            continue
        factors = list(arrays)
        factors[k] = tk
        terms.append(np.linalg.multi_dot(factors))
    return sum(terms) if terms else np.zeros(np.shape(ans))


defjvp(np.linalg.inv, inv_jvp)
defjvp(np.linalg.solve, solve_jvp_a, solve_jvp_b)
defjvp(np.linalg.det, det_jvp)
defjvp(np.linalg.slogdet, slogdet_jvp)
defjvp(np.linalg.cholesky, cholesky_jvp)
defjvp(np.linalg.eigh, eigh_jvp)
defjvp(np.linalg.eigvalsh, eigvalsh_jvp)
defjvp(np.linalg.svd, svd_jvp)
defjvp(np.linalg.svdvals, svdvals_jvp)
defjvp(np.linalg.matrix_power, matrix_power_jvp, None)
defjvp(np.linalg.multi_dot, multi_dot_jvp)

# ---------------------------------------------------------------- reductions
#
# A reduction over some axes has output entries with disjoint supports (the
# slices it reduces), so one VJP call with a cotangent of ones gives every
# partial derivative at once: ``c = vjp(1)``, ``jvp = sum(conj(c) t)`` over the
# reduced axes (its real part for a real output).  Exact at ties and zeros
# whenever the VJP is (ties share, as the VJP shares them).

from .reductions import (prod_vjp, max_vjp, var_vjp, std_vjp, nanmax_vjp, nanprod_vjp,  # noqa: E402
                         nanvar_vjp, nanstd_vjp, ptp_vjp, nansum_vjp, nanmean_vjp,
                         nancumsum_vjp)
from .linalg import norm_vjp  # noqa: E402
from .matfuncs import vector_norm_vjp, matrix_norm_vjp  # noqa: E402


def reduced_tangent(c, t, ans, axis, keepdims):
    """``sum(conj(c) t)`` over ``axis`` (its real part for a real ``ans``)."""
    axis = tuple(axis) if isinstance(axis, list) else axis
    s = np.sum(runtime.conj(c) * t, axis=axis, keepdims=keepdims)
    return s if runtime.is_complex(ans) else np.real(s)


def _ones(ans):
    return np.ones(np.shape(ans))


def prod_jvp(t, ans, a, axis=None, dtype=None, out=None, keepdims=False, initial=None,
             where=True):
    return reduced_tangent(prod_vjp(_ones(ans), ans, a, axis, dtype, out, keepdims, initial,
                                    where), t, ans, axis, keepdims)


def max_jvp(t, ans, a, axis=None, out=None, keepdims=False, initial=None, where=True):
    """Tied extrema: the mean of their tangents (as the VJP shares the cotangent)."""
    return reduced_tangent(max_vjp(_ones(ans), ans, a, axis, out, keepdims, initial, where),
                           t, ans, axis, keepdims)


def var_jvp(t, ans, a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, where=True,
            mean=None, correction=None):
    return reduced_tangent(var_vjp(_ones(ans), ans, a, axis, dtype, out, ddof, keepdims, where,
                                   mean, correction), t, ans, axis, keepdims)


def std_jvp(t, ans, a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, where=True,
            mean=None, correction=None):
    return reduced_tangent(std_vjp(_ones(ans), ans, a, axis, dtype, out, ddof, keepdims, where,
                                   mean, correction), t, ans, axis, keepdims)


def nanmax_jvp(t, ans, a, axis=None, out=None, keepdims=False, initial=None, where=True):
    return reduced_tangent(nanmax_vjp(_ones(ans), ans, a, axis, out, keepdims, initial, where),
                           t, ans, axis, keepdims)


def nanprod_jvp(t, ans, a, axis=None, dtype=None, out=None, keepdims=False, initial=None,
                where=True):
    return reduced_tangent(nanprod_vjp(_ones(ans), ans, a, axis, dtype, out, keepdims, initial,
                                       where), t, ans, axis, keepdims)


def nanvar_jvp(t, ans, a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, where=True,
               mean=None, correction=None):
    return reduced_tangent(nanvar_vjp(_ones(ans), ans, a, axis, dtype, out, ddof, keepdims,
                                      where, mean, correction), t, ans, axis, keepdims)


def nanstd_jvp(t, ans, a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, where=True,
               mean=None, correction=None):
    return reduced_tangent(nanstd_vjp(_ones(ans), ans, a, axis, dtype, out, ddof, keepdims,
                                      where, mean, correction), t, ans, axis, keepdims)


def nansum_jvp(t, ans, a, axis=None, dtype=None, out=None, keepdims=False, initial=None,
               where=True):
    """NaN entries (and entries off the mask) move nothing."""
    return np.sum(np.where(np.isnan(a) | np.logical_not(where), 0.0, t), axis=axis,
                  keepdims=keepdims)


def nanmean_jvp(t, ans, a, axis=None, dtype=None, out=None, keepdims=False, where=True):
    return reduced_tangent(nanmean_vjp(_ones(ans), ans, a, axis, dtype, out, keepdims, where),
                           t, ans, axis, keepdims)


def ptp_jvp(t, ans, a, axis=None, out=None, keepdims=False):
    return reduced_tangent(ptp_vjp(_ones(ans), ans, a, axis, out, keepdims), t, ans, axis,
                           keepdims)


def nancumsum_jvp(t, ans, a, axis=None, dtype=None, out=None):
    return np.cumsum(np.where(np.isnan(a), 0.0, t), axis=axis)


def cumprod_jvp(t, ans, a, axis=None, dtype=None, out=None):
    """Exact with zeros: before the first zero of a line ``ans * cumsum(t / a)``;
    from it on ``t_z`` times the cumulative product with that zero made one."""
    ax = -1 if axis is None else axis
    x = np.ravel(a) if axis is None or np.ndim(a) == 0 else np.asarray(a)
    tt = np.ravel(t) if axis is None or np.ndim(a) == 0 else np.broadcast_to(t, np.shape(x))
    zero = x == 0
    first = zero & (np.cumsum(zero, ax) == 1)
    before = np.reshape(ans, np.shape(x)) * np.cumsum(np.where(zero, 0.0, tt) /
                                                      np.where(zero, 1, x), ax)
    after = np.cumsum(np.where(first, tt, 0.0), ax) * np.cumprod(np.where(first, 1, x), ax)
    return np.reshape(np.where(np.cumsum(zero, ax) > 0, after, before), np.shape(ans))


def nancumprod_jvp(t, ans, a, axis=None, dtype=None, out=None):
    return cumprod_jvp(np.where(np.isnan(a), 0.0, t), ans, np.where(np.isnan(a), 1.0, a), axis)


def norm_jvp(t, ans, x, ord=None, axis=None, keepdims=False):
    return reduced_tangent(norm_vjp(_ones(ans), ans, x, ord, axis, keepdims), t, ans, axis,
                           keepdims)


def vector_norm_jvp(t, ans, x, axis=None, keepdims=False, ord=2):
    return reduced_tangent(vector_norm_vjp(_ones(ans), ans, x, axis, keepdims, ord), t, ans,
                           axis, keepdims)


def matrix_norm_jvp(t, ans, x, keepdims=False, ord="fro"):
    return reduced_tangent(matrix_norm_vjp(_ones(ans), ans, x, keepdims, ord), t, ans,
                           (-2, -1), keepdims)


defjvp(np.prod, prod_jvp)
for _fn in (np.max, np.min, np.amax, np.amin):
    defjvp(_fn, max_jvp)
defjvp(np.var, var_jvp)
defjvp(np.std, std_jvp)
defjvp(np.nanmax, nanmax_jvp)
defjvp(np.nanmin, nanmax_jvp)
defjvp(np.nanprod, nanprod_jvp)
defjvp(np.nanvar, nanvar_jvp)
defjvp(np.nanstd, nanstd_jvp)
defjvp(np.nansum, nansum_jvp)
defjvp(np.nanmean, nanmean_jvp)
defjvp(np.ptp, ptp_jvp)
defjvp(np.nancumsum, nancumsum_jvp)
defjvp(np.cumprod, cumprod_jvp)
defjvp(np.nancumprod, nancumprod_jvp)
defjvp(np.linalg.norm, norm_jvp)
defjvp(np.linalg.vector_norm, vector_norm_jvp)
defjvp(np.linalg.matrix_norm, matrix_norm_jvp)

# ------------------------------------------------- shape, pieces, activations

from .nn import softmax_vjp  # noqa: E402


def _permuted(t, a, ans, axis):
    """``t`` rearranged as ``a`` was into ``ans`` along ``axis`` (entries
    matched by sorted order, ties in a stable order: the permutation of
    :func:`srcgrad.rules.selection.unpermute`, whose transpose this is)."""
    if axis is None:
        return _permuted(np.ravel(np.broadcast_to(t, np.shape(a))), np.ravel(a), ans, 0)
    src = np.take_along_axis(np.broadcast_to(t, np.shape(a)),
                             np.argsort(a, axis=axis, kind="stable"), axis)
    out = np.empty(np.shape(ans), dtype=np.result_type(src, float))
    np.put_along_axis(out, np.argsort(ans, axis=axis, kind="stable"), src, axis)
    return out


def sort_jvp(t, ans, a, axis=-1, kind=None, order=None, stable=None):
    return _permuted(t, a, ans, axis)


def partition_jvp(t, ans, a, kth, axis=-1, kind="introselect", order=None):
    return _permuted(t, a, ans, axis)


def divmod_jvp_x1(t, ans, x1, x2):
    """The quotient is piecewise constant; the remainder moves with ``x1``."""
    return (np.zeros(np.shape(t)), t)


def divmod_jvp_x2(t, ans, x1, x2):
    return (np.zeros(np.shape(t)), -t * ans[0])


def modf_jvp(t, ans, x):
    """The fractional part moves with ``x``; the integral part is constant."""
    return (t, np.zeros(np.shape(t)))


def real_if_close_jvp(t, ans, a, tol=100):
    """The identity (the engine drops the imaginary part when ``ans`` is real)."""
    return t


def softmax_jvp(t, ans, x, axis=-1):
    """Softmax's Jacobian is symmetric: the VJP read as a JVP."""
    return softmax_vjp(t, ans, x, axis)


def log_softmax_jvp(t, ans, x, axis=-1):
    return t - np.sum(np.exp(ans) * t, axis=axis, keepdims=True)


defjvp(np.sort, sort_jvp)
defjvp(np.partition, partition_jvp)
defjvp(np.divmod, divmod_jvp_x1, divmod_jvp_x2)
defjvp(divmod, divmod_jvp_x1, divmod_jvp_x2)
defjvp(np.modf, modf_jvp)
defjvp(np.real_if_close, real_if_close_jvp)
from . import nn as _nn  # noqa: E402
defjvp(_nn.softmax, softmax_jvp)
defjvp(_nn.log_softmax, log_softmax_jvp)

# ---------------------------------------------------- creation, averages

from .reductions import _weights_like  # noqa: E402


def average_jvp_a(t, ans, a, axis=None, weights=None, returned=False, keepdims=False):
    """Linear in ``a``; with ``returned=True`` the sum of weights does not move."""
    avg = np.average(np.broadcast_to(t, np.shape(a)), axis=axis, weights=weights,
                     keepdims=keepdims)
    return (avg, None) if returned else avg


def normal_jvp_loc(t, ans, loc=0.0, scale=1.0, size=None):
    """The draw as a function of its parameters: ``loc + scale * z``."""
    return t


def normal_jvp_scale(t, ans, loc=0.0, scale=1.0, size=None):
    return t * (ans - loc) / scale


def uniform_jvp_low(t, ans, low=0.0, high=1.0, size=None):
    """``low + (high - low) * u``."""
    return t * (high - ans) / (high - low)


def uniform_jvp_high(t, ans, low=0.0, high=1.0, size=None):
    return t * (ans - low) / (high - low)


def arange_jvp_start(t, ans, start, stop=None, step=1, **kwargs):
    """``arange(start, stop, step)`` is ``start + i * step``; ``arange(stop)``'s
    values are 0, 1, 2...; an integer output does not move."""
    if stop is None or np.result_type(ans).kind not in "fc":
        return np.zeros(np.shape(ans))
    return t * np.ones(np.shape(ans))


def arange_jvp_step(t, ans, start, stop=None, step=1, **kwargs):
    if np.result_type(ans).kind not in "fc":
        return np.zeros(np.shape(ans))
    return t * np.arange(np.size(ans))


defjvp(np.average, average_jvp_a, None, DERIVED)
defjvp(np.random.normal, normal_jvp_loc, normal_jvp_scale)
defjvp(np.random.uniform, uniform_jvp_low, uniform_jvp_high)
defjvp(np.arange, arange_jvp_start, None, arange_jvp_step)

# ------------------------------------------------ pseudo-inverse, QR


# the cases the formulas below do not cover: called as derived JVPs (no import inside
# a rule, no loop over output entries), so that generated JVP code calling these
# rules can be differentiated again (compiler/transforms/forward_transposed.py)
_PINV_BY_TRANSPOSITION = transposition(np.linalg.pinv, 0)
_QR_BY_TRANSPOSITION = transposition(np.linalg.qr, 0)
_SVD_BY_TRANSPOSITION = transposition(np.linalg.svd, 0)


def pinv_jvp(t, ans, a, rcond=None, hermitian=False, rtol=None):
    """Golub and Pereyra (1973), for ``a`` of constant rank, ``P = pinv(a)``:
    ``dP = -P dA P + P P^H dA^H (I - A P) + (I - P A) dA^H P^H P``.  With
    ``hermitian=True`` (one triangle read), by transposition."""
    if hermitian:
        return _PINV_BY_TRANSPOSITION(t, ans, a, rcond=rcond, hermitian=hermitian, rtol=rtol)
    p = ans
    m, n = np.shape(a)[-2:]
    th = _mH(t)
    left = np.eye(m) - np.matmul(a, p)
    right = np.eye(n) - np.matmul(p, a)
    return (-np.matmul(p, np.matmul(t, p)) + np.matmul(np.matmul(p, _mH(p)), np.matmul(th, left))
            + np.matmul(right, np.matmul(th, np.matmul(_mH(p), p))))


def qr_jvp(t, ans, a, mode="reduced"):
    """A tall or square ``a`` (as JAX's ``qr_jvp_rule``): with ``X = dA R^-1``
    and ``C = Q^H X``, ``dQ = Q (O - C) + X`` and ``dR = (C - O) R`` where ``O``
    is the skew-Hermitian part of ``C`` below the diagonal (plus ``i Im
    diag(C)``).  A wide ``a``, and ``complete`` of a tall one, by transposition."""
    m, n = np.shape(a)[-2:]
    if m < n or (mode == "complete" and m != n):
        return _QR_BY_TRANSPOSITION(t, ans, a, mode=mode)
    q, r = np.linalg.qr(a) if mode == "r" else ans
    x = _mT(np.linalg.solve(_mT(r), _mT(t)))
    c = np.matmul(_mH(q), x)
    low = np.tril(c, -1)
    o = low - _mH(low) + np.eye(n) * (c - np.real(c))
    dr = np.matmul(c - o, r)
    if mode == "r":
        return dr
    return (np.matmul(q, o - c) + x, dr)


defjvp(np.linalg.pinv, pinv_jvp)
defjvp(np.linalg.qr, qr_jvp)


def vander_jvp(t, ans, x, N=None, increasing=False):
    """``d V[i, j] = p_j x_i ** (p_j - 1) t_i`` (no term for ``p_j = 0``)."""
    cols = np.shape(ans)[1]
    p = np.arange(cols) if increasing else np.arange(cols - 1, -1, -1)
    dv = np.where(p > 0, p * np.asarray(x)[:, None] ** np.maximum(p - 1, 0), 0.0)
    return dv * np.asarray(t)[..., None]


def _logspace_scale(ans, base, axis):
    return ans * np.log(np.expand_dims(base, axis) if np.ndim(base) else base)


def logspace_jvp_start(t, ans, start, stop, num=50, endpoint=True, base=10.0, dtype=None,
                       axis=0):
    """``ans = base ** linspace(start, stop)``: ``ans log(base)`` times the
    linspace tangent."""
    return _logspace_scale(ans, base, axis) * np.linspace(
        t, np.zeros(np.shape(stop)), num, endpoint=endpoint, axis=axis)


def logspace_jvp_stop(t, ans, start, stop, num=50, endpoint=True, base=10.0, dtype=None,
                      axis=0):
    return _logspace_scale(ans, base, axis) * np.linspace(
        np.zeros(np.shape(start)), t, num, endpoint=endpoint, axis=axis)


def logspace_jvp_base(t, ans, start, stop, num=50, endpoint=True, base=10.0, dtype=None,
                      axis=0):
    """``d ans = ans y / base dbase`` with ``y = linspace(start, stop)``."""
    y = np.linspace(start, stop, num, endpoint=endpoint, axis=axis)
    b = np.expand_dims(base, axis) if np.ndim(base) else base
    dt = np.expand_dims(t, axis) if np.ndim(t) else t
    return ans * y / b * dt


defjvp(np.vander, vander_jvp)
defjvp(np.logspace, logspace_jvp_start, logspace_jvp_stop, None, None, logspace_jvp_base)


def eigvals_jvp(t, ans, a):
    """``dw = diag(V^-1 dA V)``, ``V`` from ``eig`` with its columns matched to
    the eigenvalues ``eigvals`` returned (as the VJP matches them).  The
    matching is on values held constant, and the columns are reordered by a
    permutation matrix: the rule is NumPy code the compiler can differentiate
    again (second derivatives)."""
    w, v = np.linalg.eig(a)
    n = np.shape(a)[-1]
    key, got = runtime.constant(w), runtime.constant(np.asarray(ans))
    pick = np.argmin(np.abs(got[..., :, None] - key[..., None, :]), axis=-1)
    if not np.all(np.sort(pick, axis=-1) == np.arange(n)):   # equal eigenvalues
        pick = np.take_along_axis(_by_value(key), np.argsort(_by_value(got), axis=-1), axis=-1)
    perm = np.equal(np.arange(n)[:, None], pick[..., None, :])   # column k of v -> pick[k]
    v = np.matmul(v, perm.astype(float))
    return np.diagonal(np.linalg.solve(v, np.matmul(t, v)), axis1=-2, axis2=-1)


defjvp(np.linalg.eigvals, eigvals_jvp)


def mse_loss_jvp_a(t, ans, a, b, reduction="mean"):
    """``2 (a - b) t``, reduced as the loss is."""
    return _nn._reduce(2.0 * (a - b) * t, reduction)


def mse_loss_jvp_b(t, ans, a, b, reduction="mean"):
    return _nn._reduce(2.0 * (b - a) * t, reduction)


defjvp(_nn.mse_loss, mse_loss_jvp_a, mse_loss_jvp_b)


def addmm_jvp_bias(t, ans, bias, x, wt):
    """``bias + x @ wt`` is affine in ``bias`` and bilinear in ``(x, wt)``; the
    engine broadcasts ``t`` to the output."""
    return t


def addmm_jvp_x(t, ans, bias, x, wt):
    return np.matmul(t, wt)


def addmm_jvp_wt(t, ans, bias, x, wt):
    return np.matmul(x, t)


defjvp(_nn.addmm, addmm_jvp_bias, addmm_jvp_x, addmm_jvp_wt)
