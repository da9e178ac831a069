"""Reductions: sum, mean, prod, max/min, var/std, cumulative ops, average.

The cotangent of a reduction is broadcast back over the reduced axes with
:func:`srcgrad.runtime.expand_reduced`.  ``max``/``min``/``amax``/``amin``
split the cotangent equally among tied extrema (JAX's and autograd's choice,
so the result is the average of the one-sided derivatives and symmetric in
the ties).  ``where=`` masks are supported: entries off the mask get a zero
cotangent.
"""

import numpy as np

from . import defvjp, defnondiff
from .. import runtime
from .selection import extremum_share

# ----------------------------------------------------------------- sums
#
# ``where=mask``: entries off the mask take no part in the reduction, so their
# cotangent is zero.  Each rule keeps its plain expression under
# ``where is True`` (NumPy's default), which the compiler folds away.


def _count(a, axis, where):
    """How many entries of ``a`` each reduced slice holds (on the mask), with
    the reduced axes kept: the divisor of ``mean``, ``var`` and ``std``."""
    if where is True:   # from the shape alone (a Dask array of unknown length: lazily)
        return runtime.reduced_count(a, axis)
    return np.sum(np.broadcast_to(where, np.shape(a)), axis=axis, keepdims=True)


def sum_vjp(g, ans, a, axis=None, dtype=None, out=None, keepdims=False, initial=None,
            where=True):
    return runtime.expand_reduced(g, np.shape(a), axis, keepdims) if where is True else \
        np.where(where, runtime.expand_reduced(g, np.shape(a), axis, keepdims), 0.0)


def nansum_vjp(g, ans, a, axis=None, dtype=None, out=None, keepdims=False, initial=None,
               where=True):
    return np.where(np.isnan(a) | np.logical_not(where), 0.0,
                    runtime.expand_reduced(g, np.shape(a), axis, keepdims))


def mean_vjp(g, ans, a, axis=None, dtype=None, out=None, keepdims=False, where=True):
    """An empty ``a`` (NumPy: nan and a warning) gets an empty cotangent."""
    return runtime.expand_reduced(g * (runtime.array_size(ans) /
                                       np.maximum(runtime.array_size(a), 1)),
                                  np.shape(a), axis, keepdims) if where is True else \
        np.where(where, runtime.expand_reduced(g, np.shape(a), axis, keepdims)
                 / np.maximum(np.sum(np.broadcast_to(where, np.shape(a)), axis=axis,
                                     keepdims=True), 1), 0.0)


def nanmean_vjp(g, ans, a, axis=None, dtype=None, out=None, keepdims=False, where=True):
    return np.where(np.isnan(a) | np.logical_not(where), 0.0,
                    runtime.expand_reduced(g, np.shape(a), axis, keepdims)
                    / np.maximum(np.sum(~np.isnan(a) & where, axis=axis, keepdims=True), 1))


defvjp(np.sum, sum_vjp)
defvjp(np.nansum, nansum_vjp)
defvjp(np.mean, mean_vjp)
defvjp(np.nanmean, nanmean_vjp)

# ------------------------------------------------------------- products


def prod_vjp(g, ans, a, axis=None, dtype=None, out=None, keepdims=False, initial=None,
             where=True):
    """Each entry gets the product of the *other* entries of its slice, from
    exclusive cumulative products taken from both ends: exact with zeros.
    Entries off the ``where`` mask count as ones and get no cotangent;
    ``initial`` is one more factor of every product."""
    gi = g if initial is None else g * initial
    x = runtime.as_array(a)
    x = x.astype(runtime.float_dtype(x.dtype), copy=False)
    if where is not True:
        x = np.where(where, x, 1.0)
    if x.ndim == 0 or x.size == 0:  # one entry (no others), or none
        out_ = runtime.expand_reduced(gi, x.shape, None if x.ndim == 0 else axis, keepdims) * \
            np.ones(x.shape)
        return out_ if where is True else np.where(where, out_, 0.0)
    if axis is None:
        axes = tuple(range(x.ndim))
    else:
        axes = tuple(i % x.ndim for i in ((axis,) if np.ndim(axis) == 0 else axis))
    dest = tuple(range(x.ndim - len(axes), x.ndim))
    moved = np.moveaxis(x, axes, dest)
    flat = np.reshape(moved, moved.shape[:x.ndim - len(axes)] + (-1,))
    ones = np.ones(flat.shape[:-1] + (1,), dtype=flat.dtype)
    left = np.cumprod(np.concatenate([ones, flat[..., :-1]], axis=-1), axis=-1)
    right = np.flip(np.cumprod(np.concatenate([ones, np.flip(flat, -1)[..., :-1]], axis=-1),
                               axis=-1), -1)
    others = np.moveaxis(np.reshape(left * right, moved.shape), dest, axes)
    out_ = runtime.expand_reduced(gi, x.shape, axis, keepdims) * runtime.conj(others)
    return out_ if where is True else np.where(where, out_, 0.0)


def cumsum_vjp(g, ans, a, axis=None, dtype=None, out=None):
    return np.reshape(np.flip(np.cumsum(np.flip(g, -1 if axis is None else axis),
                                        -1 if axis is None else axis),
                              -1 if axis is None else axis), np.shape(a))


def _reverse_cumsum(v, axis):
    return np.flip(np.cumsum(np.flip(v, axis), axis), axis)


def cumprod_vjp(g, ans, a, axis=None, dtype=None, out=None):
    """Exact with zeros.  Along the axis, entry ``i`` gets
    ``sum_{j>=i} g_j prod_{k<=j, k!=i} a_k``: that is ``revcumsum(g * ans)_i / a_i``
    before the first zero, zero after it, and at the first zero the reverse
    cumulative sum of ``g`` times the cumulative product with that zero
    replaced by one."""
    ax = -1 if axis is None else axis
    x = np.ravel(a) if axis is None or np.ndim(a) == 0 else runtime.as_array(a)
    gg = np.reshape(g, np.shape(x))
    zero = x == 0
    first = zero & (np.cumsum(zero, ax) == 1)
    at_first = _reverse_cumsum(gg * runtime.conj(np.cumprod(np.where(first, 1, x), ax)), ax)
    before = _reverse_cumsum(gg * runtime.conj(np.reshape(ans, np.shape(x))), ax) / \
        runtime.conj(np.where(zero, 1, x))
    return np.reshape(np.where(first, at_first, np.where(zero, 0.0, before)), np.shape(a))


defvjp(np.prod, prod_vjp)
defvjp(np.cumsum, cumsum_vjp)
defvjp(np.cumprod, cumprod_vjp)

# ------------------------------------------------------------- extrema


def max_vjp(g, ans, a, axis=None, out=None, keepdims=False, initial=None, where=True):
    """Tied extrema share the cotangent equally; entries off the ``where``
    mask (and all entries, when ``initial`` is the result) get none."""
    return runtime.expand_reduced(g, np.shape(a), axis, keepdims) * \
        extremum_share(a if where is True else np.where(where, a, np.nan),
                               ans, axis, keepdims)


defvjp(np.max, max_vjp)
defvjp(np.min, max_vjp)
defvjp(np.amax, max_vjp)
defvjp(np.amin, max_vjp)

# --------------------------------------------------------------- moments


def _ddof(ddof, correction):
    return ddof if correction is None else correction


def var_vjp(g, ans, a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, where=True,
            mean=None, correction=None):
    """``2 (a - mean) / (N - ddof)`` on the ``where`` mask (the variance
    is real for a complex ``a`` too: ``g``'s real part is read)."""
    if mean is not None:
        raise NotImplementedError("srcgrad: the gradient of np.var/np.std with mean= is not "
                                  "supported; leave mean= out (NumPy computes it)")
    shape = np.shape(a)
    centred = a - (np.mean(a, axis=axis, keepdims=True) if where is True else   # (Dask's
                   np.mean(a, axis=axis, keepdims=True, where=where))          # has no where=)
    gx = runtime.expand_reduced(runtime.real_cotangent(g), shape, axis, keepdims)
    res = gx * 2.0 * centred / (_count(a, axis, where) - _ddof(ddof, correction))
    return res if where is True else np.where(where, res, 0.0)


def std_vjp(g, ans, a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, where=True,
            mean=None, correction=None):
    """The cotangent of ``var``, divided by ``2 std``; zero where the slice's
    std is zero (a slice of one entry: std is constantly zero)."""
    sd = runtime.expand_reduced(ans, np.shape(a), axis, keepdims)
    return var_vjp(g, ans, a, axis, dtype, out, ddof, keepdims, where, mean, correction) / \
        (2.0 * np.where(sd == 0, 1.0, sd)) * (sd != 0)


def _weights_like(a, weights, axis):
    """``weights`` shaped to broadcast against ``a`` (NumPy allows 1-D weights
    along ``axis``)."""
    w = np.asarray(weights)
    if w.shape != np.shape(a):
        w = np.reshape(w, [n if i == axis % np.ndim(a) else 1 for i, n in enumerate(np.shape(a))])
    return w


def average_vjp_a(g, ans, a, axis=None, weights=None, returned=False, keepdims=False):
    """``returned=True``: ``g``/``ans`` are pairs (average, sum of weights)."""
    gavg = g[0] if returned else g
    gx = runtime.expand_reduced(gavg, np.shape(a), axis, keepdims)
    if weights is None:
        return gx * (runtime.array_size(gavg) / np.maximum(runtime.array_size(a), 1))
    w = np.broadcast_to(_weights_like(a, weights, axis), np.shape(a))
    return gx * runtime.conj(w / np.sum(w, axis=axis, keepdims=True))


def average_vjp_weights(g, ans, a, axis=None, weights=None, returned=False, keepdims=False):
    gavg, avg = (g[0], ans[0]) if returned else (g, ans)
    w = _weights_like(a, weights, axis)
    wb = np.broadcast_to(w, np.shape(a))
    gw = runtime.expand_reduced(gavg, np.shape(a), axis, keepdims) * \
        runtime.conj((a - runtime.expand_reduced(avg, np.shape(a), axis, keepdims)) /
                     np.sum(wb, axis=axis, keepdims=True))
    if returned:
        gw = gw + runtime.expand_reduced(g[1], np.shape(a), axis, keepdims)
    return np.reshape(runtime.unbroadcast_shape(gw, w.shape), np.shape(weights))


defvjp(np.var, var_vjp)
defvjp(np.std, std_vjp)

# ---------------------------------------------------------- NaN-ignoring
#
# A NaN entry takes no part in the reduction (it is off the mask), so it gets
# no cotangent: the plain rule on the mask ``where & ~isnan(a)``.


def nanmax_vjp(g, ans, a, axis=None, out=None, keepdims=False, initial=None, where=True):
    """Non-NaN ties share the cotangent (a NaN never equals the result)."""
    keep = np.logical_and(where, np.logical_not(np.isnan(a)))
    return max_vjp(g, ans, a, axis, out, keepdims, initial, keep)


def nanprod_vjp(g, ans, a, axis=None, dtype=None, out=None, keepdims=False, initial=None,
                where=True):
    """NaNs count as ones and get no cotangent."""
    keep = np.logical_and(where, np.logical_not(np.isnan(a)))
    return prod_vjp(g, ans, np.where(keep, a, 1.0), axis, dtype, out, keepdims, initial, keep)


def nanvar_vjp(g, ans, a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, where=True,
               mean=None, correction=None):
    keep = np.logical_and(where, np.logical_not(np.isnan(a)))
    return var_vjp(g, ans, np.where(keep, a, 0.0), axis, dtype, out, ddof, keepdims, keep, mean,
                   correction)


def nanstd_vjp(g, ans, a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, where=True,
               mean=None, correction=None):
    keep = np.logical_and(where, np.logical_not(np.isnan(a)))
    return std_vjp(g, ans, np.where(keep, a, 0.0), axis, dtype, out, ddof, keepdims, keep, mean,
                   correction)


def nancumsum_vjp(g, ans, a, axis=None, dtype=None, out=None):
    nan = np.isnan(a)
    return np.where(nan, 0.0, cumsum_vjp(g, ans, a, axis, dtype, out))


def nancumprod_vjp(g, ans, a, axis=None, dtype=None, out=None):
    nan = np.isnan(a)
    return np.where(nan, 0.0, cumprod_vjp(g, ans, np.where(nan, 1.0, a), axis, dtype, out))


def ptp_vjp(g, ans, a, axis=None, out=None, keepdims=False):
    """``max - min``: the cotangent goes to the maxima and, negated, to the minima."""
    top, bottom = np.max(a, axis=axis, keepdims=keepdims), np.min(a, axis=axis, keepdims=keepdims)
    return max_vjp(g, top, a, axis, None, keepdims) - max_vjp(g, bottom, a, axis, None, keepdims)


defvjp(np.nanmax, nanmax_vjp)
defvjp(np.nanmin, nanmax_vjp)
defvjp(np.nanprod, nanprod_vjp)
defvjp(np.nanvar, nanvar_vjp)
defvjp(np.nanstd, nanstd_vjp)
defvjp(np.nancumsum, nancumsum_vjp)
defvjp(np.nancumprod, nancumprod_vjp)
defvjp(np.ptp, ptp_vjp)
defvjp(np.average, average_vjp_a, None, average_vjp_weights)

# ------------------------------------------------------------ zero gradient

defnondiff(np.argmax, np.argmin, np.argsort, np.argpartition, np.nonzero,
           np.flatnonzero, np.argwhere, np.all, np.any, np.count_nonzero,
           np.shape, np.ndim, np.size, np.searchsorted)
