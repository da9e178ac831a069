"""Reductions: sum, mean, prod, max/min, var/std, cumulative ops, average.

The cotangent of a reduction is broadcast back over the reduced axes with
:func:`srcgrad.runtime.expand_reduced`.  ``max``/``min``/``amax``/``amin``
split the cotangent equally among tied extrema (JAX's and autograd's choice,
so the result is the average of the one-sided derivatives and symmetric in
the ties).  ``where=`` keywords are not supported.
"""

import numpy as np

from . import defvjp, defnondiff
from .. import runtime

# ----------------------------------------------------------------- sums


def sum_vjp(g, ans, a, axis=None, dtype=None, out=None, keepdims=False, initial=None):
    return runtime.expand_reduced(g, np.shape(a), axis, keepdims)


def nansum_vjp(g, ans, a, axis=None, dtype=None, out=None, keepdims=False, initial=None):
    return np.where(np.isnan(a), 0.0, runtime.expand_reduced(g, np.shape(a), axis, keepdims))


def mean_vjp(g, ans, a, axis=None, dtype=None, out=None, keepdims=False):
    return runtime.expand_reduced(g * (np.size(ans) / np.size(a)), np.shape(a), axis, keepdims)


def nanmean_vjp(g, ans, a, axis=None, dtype=None, out=None, keepdims=False):
    return np.where(np.isnan(a), 0.0, runtime.expand_reduced(g, np.shape(a), axis, keepdims)
                    / np.sum(~np.isnan(a), axis=axis, keepdims=True))


defvjp(np.sum, sum_vjp)
defvjp(np.nansum, nansum_vjp)
defvjp(np.mean, mean_vjp)
defvjp(np.nanmean, nanmean_vjp)

# ------------------------------------------------------------- products


def prod_vjp(g, ans, a, axis=None, dtype=None, out=None, keepdims=False, initial=None):
    """Each entry gets the product of the *other* entries of its slice, from
    exclusive cumulative products taken from both ends: exact with zeros."""
    x = np.asarray(a, dtype=runtime.float_dtype(np.result_type(a)))
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
    return runtime.expand_reduced(g, x.shape, axis, keepdims) * others


def cumsum_vjp(g, ans, a, axis=None, dtype=None, out=None):
    return np.reshape(np.flip(np.cumsum(np.flip(g, -1 if axis is None else axis),
                                        -1 if axis is None else axis),
                              -1 if axis is None else axis), np.shape(a))


def cumprod_vjp(g, ans, a, axis=None, dtype=None, out=None):
    """Reverse cumulative sum of ``g * ans``, divided by ``a``: assumes ``a``
    has no zeros (gives inf/nan there)."""
    ax = -1 if axis is None else axis
    x = np.ravel(a) if axis is None else a
    return np.reshape(np.flip(np.cumsum(np.flip(g * ans, ax), ax), ax) / x, np.shape(a))


defvjp(np.prod, prod_vjp)
defvjp(np.cumsum, cumsum_vjp)
defvjp(np.cumprod, cumprod_vjp)

# ------------------------------------------------------------- extrema


def max_vjp(g, ans, a, axis=None, out=None, keepdims=False, initial=None):
    """Tied extrema share the cotangent equally."""
    return runtime.expand_reduced(g, np.shape(a), axis, keepdims) * \
        runtime.extremum_share(a, ans, axis, keepdims)


defvjp(np.max, max_vjp)
defvjp(np.min, max_vjp)
defvjp(np.amax, max_vjp)
defvjp(np.amin, max_vjp)

# --------------------------------------------------------------- moments


def var_vjp(g, ans, a, axis=None, dtype=None, out=None, ddof=0, keepdims=False):
    return runtime.expand_reduced(g, np.shape(a), axis, keepdims) * 2.0 * \
        (a - np.mean(a, axis=axis, keepdims=True)) / (np.size(a) / np.size(ans) - ddof)


def std_vjp(g, ans, a, axis=None, dtype=None, out=None, ddof=0, keepdims=False):
    return runtime.expand_reduced(g, np.shape(a), axis, keepdims) * \
        (a - np.mean(a, axis=axis, keepdims=True)) / \
        ((np.size(a) / np.size(ans) - ddof) * runtime.expand_reduced(ans, np.shape(a), axis, keepdims))


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
        return gx * (np.size(gavg) / np.size(a))
    w = np.broadcast_to(_weights_like(a, weights, axis), np.shape(a))
    return gx * w / np.sum(w, axis=axis, keepdims=True)


def average_vjp_weights(g, ans, a, axis=None, weights=None, returned=False, keepdims=False):
    gavg, avg = (g[0], ans[0]) if returned else (g, ans)
    w = _weights_like(a, weights, axis)
    wb = np.broadcast_to(w, np.shape(a))
    gw = runtime.expand_reduced(gavg, np.shape(a), axis, keepdims) * \
        (a - runtime.expand_reduced(avg, np.shape(a), axis, keepdims)) / \
        np.sum(wb, axis=axis, keepdims=True)
    if returned:
        gw = gw + runtime.expand_reduced(g[1], np.shape(a), axis, keepdims)
    return np.reshape(runtime.unbroadcast_shape(gw, w.shape), np.shape(weights))


defvjp(np.var, var_vjp)
defvjp(np.std, std_vjp)
defvjp(np.average, average_vjp_a, None, average_vjp_weights)

# ------------------------------------------------------------ zero gradient

defnondiff(np.argmax, np.argmin, np.argsort, np.argpartition, np.nonzero,
           np.flatnonzero, np.argwhere, np.all, np.any, np.count_nonzero,
           np.shape, np.ndim, np.size, np.searchsorted)
