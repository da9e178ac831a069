"""Shape helpers for the rule table (srcgrad.rules): cotangents of
``atleast_*d``, concatenation and stacking split back to their arguments.
Rules whose body is one expression may call these, so they stay inlinable
into generated code.  (Extrema, sorting and ``item`` route a cotangent to
selected entries: formulas, in srcgrad/rules/selection.py.)

Guarantees: each helper returns the cotangent of its argument, shaped like that
argument (a list of cotangents for an argument that is a list).
"""

import numpy as np

from .duck import is_duck


def atleast_cotangent(g, arys, k):
    """The cotangent of ``arys[k]`` in ``np.atleast_1d/2d/3d(*arys)``: one
    array returns one array, several return a tuple (``g`` is then a tuple
    with one cotangent per array); reshaped to the argument's shape."""
    if len(arys) > 1:
        g = g[k]
    return np.reshape(g, np.shape(arys[k]))


def unconcatenate(g, sizes, axis, arrays):
    """Split ``g`` along ``axis`` into pieces of the given ``sizes`` and give
    each piece the shape of the matching element of ``arrays`` (the inverse of
    ``concatenate``/``hstack``/``vstack``/``dstack``/``column_stack``)."""
    cuts = np.cumsum(sizes)[:-1]
    if is_duck(g):   # Dask has no np.split: slices, so its graph is not computed
        ax = axis % np.ndim(g)
        edges = [0] + [int(c) for c in cuts] + [None]
        pieces = [g[(slice(None),) * ax + (slice(a, b),)] for a, b in zip(edges, edges[1:])]
    else:
        pieces = np.split(g, cuts, axis=axis)
    return [np.reshape(p, np.shape(x)) for p, x in zip(pieces, arrays)]


def unstack_like(g, obj):
    """Cotangent of ``obj`` (a possibly nested list of scalars/arrays) given the
    cotangent ``g`` of ``np.array(obj)``: lists of cotangents, nested alike."""
    if isinstance(obj, (list, tuple)):
        return [unstack_like(g[i], o) for i, o in enumerate(obj)]
    return np.reshape(g, np.shape(obj)) if np.shape(g) != np.shape(obj) else g
