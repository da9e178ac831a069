"""Helpers called by generated code, by the tape and by rules.

Small, fast and free of srcgrad imports: generated code imports this module as
``_rt``.  Broadcasting is undone here and nowhere else.
"""

import numpy as np

__all__ = ["unbroadcast", "unbroadcast_shape", "add", "zeros_like", "expand_reduced",
           "ones_like_float", "Stack", "to_kind", "float_dtype"]


def unbroadcast(g, x):
    """Sum ``g`` down to the shape of ``x`` (a value, not a shape).

    Undoes NumPy broadcasting: leading axes that broadcasting added are summed
    away, and axes where ``x`` has length 1 are summed with ``keepdims``.
    A Python scalar ``x`` gets a NumPy scalar back.

    >>> unbroadcast(np.ones((2, 3)), np.ones(3))
    array([2., 2., 2.])
    >>> float(unbroadcast(np.ones((2, 3)), 5.0))
    6.0
    """
    shape = np.shape(x)
    gshape = np.shape(g)
    if gshape == shape:
        return g
    return unbroadcast_shape(g, shape)


def unbroadcast_shape(g, shape):
    """:func:`unbroadcast` to an explicit ``shape``."""
    gshape = np.shape(g)
    if gshape == shape:
        return g
    if not gshape:  # g is a scalar standing for a whole array of equal entries
        return np.broadcast_to(g, shape)
    extra = len(gshape) - len(shape)
    if extra > 0:
        g = np.sum(g, axis=tuple(range(extra)))
    elif extra < 0:
        g = np.broadcast_to(g, shape)
        return g
    axes = tuple(i for i, (n, m) in enumerate(zip(shape, np.shape(g))) if n == 1 and m != 1)
    if axes:
        g = np.sum(g, axis=axes, keepdims=True)
    if not shape:
        return g[()] if isinstance(g, np.ndarray) else g
    return g


def add(a, b):
    """Accumulate two cotangents where either may be ``None`` (no contribution)."""
    if a is None:
        return b
    if b is None:
        return a
    if isinstance(a, list):  # cotangent of a list argument
        return [add(x, y) for x, y in zip(a, b)]
    if isinstance(a, tuple):
        return tuple(add(x, y) for x, y in zip(a, b))
    return a + b


def zeros_like(x):
    """A zero cotangent for ``x``: float zeros of the same shape (a float for
    a Python number)."""
    if isinstance(x, (float, int, bool)) or x is None:
        return 0.0
    if isinstance(x, (list, tuple)):
        return type(x)(zeros_like(v) for v in x) if isinstance(x, list) else \
            tuple(zeros_like(v) for v in x)
    a = np.asarray(x)
    return np.zeros(a.shape, dtype=float_dtype(a.dtype))


def ones_like_float(x):
    a = np.asarray(x)
    return np.ones(a.shape, dtype=float_dtype(a.dtype))


def float_dtype(dtype):
    """The dtype a gradient of values of ``dtype`` has: floats and complex
    keep theirs, everything else becomes float64."""
    dtype = np.dtype(dtype)
    if dtype.kind in "fc":
        return dtype
    return np.dtype(np.float64)


def expand_reduced(g, shape, axis=None, keepdims=False):
    """Broadcast the cotangent of a reduction back to the input ``shape``.

    ``g`` has the reduced shape; when ``keepdims`` was False the reduced axes
    are re-inserted with length 1 first.

    >>> expand_reduced(np.array([1., 2.]), (2, 3), axis=1).tolist()
    [[1.0, 1.0, 1.0], [2.0, 2.0, 2.0]]
    """
    if not keepdims and axis is not None and len(shape):
        axes = (axis,) if np.ndim(axis) == 0 else tuple(axis)
        axes = sorted(a % len(shape) for a in axes)
        g = np.reshape(g, [1 if i in axes else n for i, n in enumerate(shape)]) \
            if np.ndim(g) != len(shape) else g
    return np.broadcast_to(g, shape)


def to_kind(g, x):
    """Give a gradient the kind of its argument ``x``: a Python float for a
    Python number, an ndarray (never a read-only broadcast view) for arrays."""
    if isinstance(x, (float, int)) and not isinstance(x, bool):
        return float(np.sum(g)) if np.ndim(g) else float(g)
    if isinstance(x, np.ndarray):
        out = np.asarray(g)
        if out.shape != x.shape:
            out = unbroadcast_shape(out, x.shape)
        if not out.flags.writeable or out.base is not None and not out.flags.owndata:
            out = np.array(out, dtype=float_dtype(out.dtype))
        elif out.dtype != float_dtype(x.dtype):
            out = out.astype(float_dtype(x.dtype))
        return out
    if isinstance(x, np.generic):
        return np.asarray(g, dtype=float_dtype(x.dtype))[()]
    return g


class Stack(list):
    """The stack generated code uses to save values overwritten in loops and
    the branches taken; ``push`` and ``pop`` are bound list methods."""

    push = list.append
