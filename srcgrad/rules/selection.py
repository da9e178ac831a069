"""Cotangents routed to selected entries: ties of an extremum, entries a
sort or partition moved, the element ``item`` read.  Rules whose body is one
expression call them (srcgrad.rules.reductions, scalars, shape, linalg,
conversions), so those rules stay inlinable into generated code.

Guarantees: each returns the cotangent of its argument, shaped like that
argument (a list of cotangents for an argument that is a list); tied extrema
share the cotangent equally (like JAX).
"""

import numpy as np

from .. import runtime

__all__ = ["extremum_share", "share_extremum", "unpermute", "item_cotangent"]


def extremum_share(a, ans, axis=None, keepdims=False):
    """Weights that split the cotangent of ``max``/``min`` equally among the
    entries of ``a`` equal to the extremum ``ans`` (ties share, like JAX).

    >>> extremum_share(np.array([1., 3., 3.]), 3.0).tolist()
    [0.0, 0.5, 0.5]
    """
    shape = np.shape(a)
    hit = runtime.as_array(a) == runtime.expand_reduced(ans, shape, axis, keepdims)
    count = np.sum(hit, axis=axis, keepdims=True)
    return hit / np.maximum(count, 1)


def share_extremum(g, ans, args, k):
    """Cotangent of ``args[k]`` for builtin ``max``/``min``: a list when
    ``args`` is a single iterable; ties share equally."""
    if len(args) == 1:
        items = list(args[0])
        hits = [v == ans for v in items]
        return [g * h / sum(hits) for h in hits]
    hits = [v == ans for v in args]
    return g * hits[k] / sum(hits)


def unpermute(g, a, ans, axis):
    """Send ``g`` (shaped like ``ans``, a rearrangement of ``a`` along
    ``axis``) back to ``a``'s positions, matching entries by sorted order.

    >>> unpermute(np.array([10., 20., 30.]), np.array([3., 1., 2.]),
    ...           np.array([1., 2., 3.]), 0).tolist()
    [30.0, 10.0, 20.0]
    """
    if axis is None:
        flat = np.ravel(a)
        return np.reshape(unpermute(np.ravel(g), flat, np.ravel(ans), 0), np.shape(a))
    out = np.zeros(np.shape(a), dtype=runtime.float_dtype(np.result_type(g)))
    src = np.take_along_axis(np.asarray(g), np.argsort(ans, axis=axis, kind="stable"), axis)
    np.put_along_axis(out, np.argsort(a, axis=axis, kind="stable"), src, axis)
    return out


def item_cotangent(g, x, *index):
    """Cotangent of ``x.item(*index)``: ``g`` placed at that element."""
    a = np.asarray(x)
    if a.dtype.kind != "c":
        g = runtime.real_cotangent(g)       # x is real: so is its cotangent
    if a.size == 1 and not index:
        return np.full(a.shape, g, dtype=runtime.float_dtype(a.dtype))
    out = np.zeros(a.shape, dtype=runtime.float_dtype(a.dtype))
    pos = index[0] if len(index) == 1 else index
    if np.ndim(pos) == 0 and len(index) == 1:
        out.flat[pos] = g
    else:
        out[pos] = g
    return out
