"""Shape helpers for the rule table (srcgrad.rules): cotangents of
concatenation, stacking, sorting, extrema and ``item``.  Rules whose body is
one expression may call these, so they stay inlinable into generated code.

Guarantees: each helper returns the cotangent of its argument, shaped like that
argument (a list of cotangents for an argument that is a list).
"""

import numpy as np

from .broadcast import expand_reduced
from .complex import real_cotangent
from .trees import float_dtype


def atleast_cotangent(g, arys, k):
    """The cotangent of ``arys[k]`` in ``np.atleast_1d/2d/3d(*arys)``: one
    array returns one array, several return a tuple (``g`` is then a tuple
    with one cotangent per array); reshaped to the argument's shape."""
    if len(arys) > 1:
        g = g[k]
    return np.reshape(g, np.shape(arys[k]))


def extremum_share(a, ans, axis=None, keepdims=False):
    """Weights that split the cotangent of ``max``/``min`` equally among the
    entries of ``a`` equal to the extremum ``ans`` (ties share, like JAX).

    >>> extremum_share(np.array([1., 3., 3.]), 3.0).tolist()
    [0.0, 0.5, 0.5]
    """
    shape = np.shape(a)
    hit = np.asarray(a) == expand_reduced(ans, shape, axis, keepdims)
    count = np.sum(hit, axis=axis, keepdims=True)
    return hit / np.maximum(count, 1)


def unconcatenate(g, sizes, axis, arrays):
    """Split ``g`` along ``axis`` into pieces of the given ``sizes`` and give
    each piece the shape of the matching element of ``arrays`` (the inverse of
    ``concatenate``/``hstack``/``vstack``/``dstack``/``column_stack``)."""
    cuts = np.cumsum(sizes)[:-1]
    return [np.reshape(p, np.shape(x)) for p, x in zip(np.split(g, cuts, axis=axis), arrays)]


def unstack_like(g, obj):
    """Cotangent of ``obj`` (a possibly nested list of scalars/arrays) given the
    cotangent ``g`` of ``np.array(obj)``: lists of cotangents, nested alike."""
    if isinstance(obj, (list, tuple)):
        return [unstack_like(g[i], o) for i, o in enumerate(obj)]
    return np.reshape(g, np.shape(obj)) if np.shape(g) != np.shape(obj) else g


def unpermute(g, a, ans, axis):
    """Send ``g`` (shaped like ``ans``, a rearrangement of ``a`` along
    ``axis``) back to ``a``'s positions, matching entries by sorted order."""
    if axis is None:
        flat = np.ravel(a)
        return np.reshape(unpermute(np.ravel(g), flat, np.ravel(ans), 0), np.shape(a))
    out = np.zeros(np.shape(a), dtype=float_dtype(np.result_type(g)))
    src = np.take_along_axis(np.asarray(g), np.argsort(ans, axis=axis, kind="stable"), axis)
    np.put_along_axis(out, np.argsort(a, axis=axis, kind="stable"), src, axis)
    return out


def share_extremum(g, ans, args, k):
    """Cotangent of ``args[k]`` for builtin ``max``/``min``: a list when
    ``args`` is a single iterable; ties share equally."""
    if len(args) == 1:
        items = list(args[0])
        hits = [v == ans for v in items]
        return [g * h / sum(hits) for h in hits]
    hits = [v == ans for v in args]
    return g * hits[k] / sum(hits)


def item_cotangent(g, x, *index):
    """Cotangent of ``x.item(*index)``: ``g`` placed at that element."""
    a = np.asarray(x)
    if a.dtype.kind != "c":
        g = real_cotangent(g)       # x is real: so is its cotangent
    if a.size == 1 and not index:
        return np.full(a.shape, g, dtype=float_dtype(a.dtype))
    out = np.zeros(a.shape, dtype=float_dtype(a.dtype))
    pos = index[0] if len(index) == 1 else index
    if np.ndim(pos) == 0 and len(index) == 1:
        out.flat[pos] = g
    else:
        out[pos] = g
    return out
