"""Broadcasting, undone and redone: the one place srcgrad sums a cotangent
back to its argument's shape (:func:`unbroadcast`) or spreads a reduction's
cotangent over the reduced axes (:func:`expand_reduced`).

Guarantees: the result has exactly the requested shape (a NumPy scalar for a
0-d shape); a cotangent that already has it is returned as it is, not copied.
Neither engine nor any rule sums broadcast axes anywhere else.
"""

import numpy as np

from .duck import known_lengths


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
    if type(x) is np.ndarray:
        shape = x.shape
    elif isinstance(g, (list, tuple, dict)) and isinstance(x, (list, tuple, dict)):
        return g    # a container's cotangent, item by item (lst[i] = (W, b)): not broadcast
    else:
        shape = np.shape(x)
    if type(g) is np.ndarray:
        if g.shape == shape:
            return g
    elif np.shape(g) == shape:
        return g
    return unbroadcast_shape(g, shape)


def unbroadcast_shape(g, shape):
    """:func:`unbroadcast` to an explicit ``shape``."""
    gshape = np.shape(g)
    if gshape == shape:
        return g
    if not gshape:  # g is a scalar standing for a whole array of equal entries
        return np.broadcast_to(g, known_lengths(shape))
    extra = len(gshape) - len(shape)
    if extra > 0:
        g = np.sum(g, axis=tuple(range(extra)))
    elif extra < 0:
        g = np.broadcast_to(g, known_lengths(shape))
        return g
    axes = tuple(i for i, (n, m) in enumerate(zip(shape, np.shape(g))) if n == 1 and m != 1)
    if axes:
        g = np.sum(g, axis=axes, keepdims=True)
    if not shape:
        return g[()] if isinstance(g, np.ndarray) else g
    return g


_PLAIN = (float, np.float64, np.ndarray)


def expand_reduced(g, shape, axis=None, keepdims=False):
    """Broadcast the cotangent of a reduction back to the input ``shape``.

    ``g`` has the reduced shape; when ``keepdims`` was False the reduced axes
    are re-inserted with length 1 first.

    >>> expand_reduced(np.array([1., 2.]), (2, 3), axis=1).tolist()
    [[1.0, 1.0, 1.0], [2.0, 2.0, 2.0]]
    """
    if axis is None:
        if type(g) in _PLAIN:
            return np.full(shape, g) if shape else g
        return np.broadcast_to(g, known_lengths(shape))
    if not keepdims and len(shape):
        axes = (axis,) if np.ndim(axis) == 0 else tuple(axis)
        axes = sorted(a % len(shape) for a in axes)
        g = np.reshape(g, [1 if i in axes else n for i, n in enumerate(shape)]) \
            if np.ndim(g) != len(shape) else g
    return np.broadcast_to(g, known_lengths(shape))
