"""The adjoints of mutations: what ``y[index] = v`` and ``lst.append(v)``
send back to the value written and to the value written into.

Derivative formulas live in srcgrad/rules/ only; these are the ones of
statements rather than of primitives.  The compiler's reverse pass calls them
by name from generated code (``_setitem_value_vjp(by, i)``, ``_zero_at(by,
i)``, ``_last(bxs)``, ``_drop_last(bxs)``: bound like a rule that is not
inlined), and the tape records ``t[index] = v`` as the primitive
:func:`index_put`, whose rules use the same formula.  The plumbing around a
mutation -- saving the overwritten slice and restoring it in the pullback,
accumulating into an owned cotangent -- is the runtime's
(srcgrad/runtime/indexing.py).

The other mutations reduce to these: ``y[i] += v`` is ``t = y[i]; y[i] = t + v``
(A-normal form), ``lst.extend(items)`` a loop of appends.  ``insert``,
``remove``, ``pop`` and the other in-place methods of a list that carries a
gradient are refused by the compiler (rules/effects.py, compiler/frontend/resolve.py);
``mode="auto"`` runs such a function on the tape, where a list is plain Python.

Guarantees: the cotangent of ``v`` is the new value's cotangent at ``index``,
except that an element written several times (repeated integer indices) passes
its cotangent only to the write that survives (NumPy's assignment does not
accumulate); the overwritten elements of the old value get zero; a zero
cotangent stays zero.  Nothing here changes a cotangent it is given, except
:func:`zero_at_inplace`, which the compiler calls only on a cotangent it owns.

>>> import numpy as np
>>> g = np.array([1.0, 2.0, 3.0])
>>> setitem_value_vjp(g, [0, 0, 2]).tolist(), zero_at(g, [0, 2]).tolist()
([0.0, 1.0, 3.0], [0.0, 2.0, 0.0])
>>> last([1.0, 2.0]), drop_last([1.0, 2.0])
(2.0, [1.0])
"""

import numpy as np

from . import defvjp
from .. import runtime

__all__ = ["setitem_value_vjp", "zero_at", "zero_at_inplace", "last_writer_mask", "last",
           "drop_last", "index_put"]

# ------------------------------------------------- y[index] = v (compiler)


def _writes_once(index):
    """True when ``y[index] = v`` writes each element at most once: ints,
    slices, ``None``, ``...`` and boolean masks (no integer arrays or lists)."""
    parts = index if isinstance(index, tuple) else (index,)
    for p in parts:
        if p is None or p is Ellipsis or isinstance(p, (int, np.integer, slice, bool)):
            continue
        if isinstance(p, np.ndarray) and p.dtype == bool:
            continue
        return False
    return True


def _repeats(shape, index):
    """Whether ``y[index] = v`` may write an element more than once (checked
    exactly for a single integer array or list; assumed for other fancy
    indices)."""
    if _writes_once(index):
        return False
    if not isinstance(index, tuple) and shape:
        i = np.asarray(index)
        if i.dtype.kind in "iu":
            flat = np.mod(i.ravel(), shape[0])
            return np.unique(flat).size != flat.size
    return True


def last_writer_mask(shape, index):
    """For ``y[index] = v`` with ``y`` of ``shape``: a boolean array shaped like
    ``y[index]``, true where that position's write is the one that survives.

    NumPy stores one of the values written to an element more than once (in
    practice the last); the mask is found by performing the same assignment
    with position numbers, so it follows whatever NumPy does.

    >>> last_writer_mask((3,), [0, 0, 1, 2]).tolist()
    [False, True, True, True]
    """
    owner = np.full(shape, -1, dtype=np.intp)
    written = np.shape(owner[index])
    positions = np.arange(int(np.prod(written)), dtype=np.intp).reshape(written)
    owner[index] = positions
    return owner[index] == positions


def setitem_value_vjp(g, index):
    """Cotangent of ``v`` in ``y[index] = v`` given the cotangent ``g`` of the
    new ``y``, shaped like ``y[index]`` (the engine then sums it back to
    ``v``'s shape): ``g[index]``, except that an element written several times
    (repeated integer indices) passes its cotangent only to the write that
    survives -- NumPy's assignment does not accumulate.  A zero stays zero;
    so does a dict key the cotangent lacks.

    >>> setitem_value_vjp(np.array([1., 2., 3.]), [0, 0, 2]).tolist()
    [0.0, 1.0, 3.0]
    """
    if isinstance(g, float) and g == 0.0:
        return 0.0
    if isinstance(g, dict):
        return g.get(index, 0.0)
    v = g[index]
    if isinstance(g, list):     # an int or a slice: each item written once
        return v.copy() if isinstance(v, np.ndarray) else v     # (items may differ in shape)
    if isinstance(v, np.ndarray):
        if v.size and _repeats(np.shape(g), index):
            return np.where(last_writer_mask(np.shape(g), index), v, 0.0).astype(
                v.dtype, copy=False)
        return v.copy()  # g may be zeroed in place next
    if np.ndim(v) and _repeats(np.shape(g), index):  # a tape Tensor (create_graph)
        return v * last_writer_mask(np.shape(g), index)
    return v


def zero_at(g, index):
    """A copy of cotangent ``g`` with ``g[index]`` zeroed: the elements a
    subscript assignment overwrote get no gradient from the older value."""
    if isinstance(g, list):
        out = list(g)
        out[index] = runtime.zeros_like(out[index])
        return out
    if isinstance(g, dict):
        out = dict(g)
        out.pop(index, None)
        return out
    out = np.array(g, dtype=runtime.float_dtype(np.result_type(g)))
    if out.ndim:
        out[index] = 0.0
    return out


def zero_at_inplace(g, index):
    """``g[index] = 0`` in an owned cotangent; returns ``g``."""
    if isinstance(g, np.ndarray) and g.ndim:
        g[index] = 0.0
        return g
    if isinstance(g, list):
        g[index] = runtime.zeros_like(g[index])
        return g
    if isinstance(g, dict):
        g.pop(index, None)
        return g
    return zero_at(g, index)


# --------------------------------------------- lst.append(v) (compiler)


def last(g):
    """The cotangent of a list's last element.  A list handed to a NumPy
    function (``np.mean(xs)``) gets its cotangent back as an array, one row
    per element: its last row.  A zero stays zero.

    >>> last([1.0, 2.0]), float(last(np.array([1.0, 2.0]))), last(0.0)
    (2.0, 2.0, 0.0)
    """
    if isinstance(g, (list, tuple)):
        return g[-1] if g else 0.0
    if np.ndim(g):
        v = g[-1]
        return v.copy() if isinstance(v, np.ndarray) else v
    return 0.0


def drop_last(g):
    """The cotangent of a list without its last element (undoing ``append``);
    an array cotangent (the list went through NumPy) loses its last row."""
    if isinstance(g, (list, tuple)) or np.ndim(g):
        return g[:-1]
    return g


# ------------------------------------------------ t[index] = v (tape)


def index_put(x, index, value):
    """A copy of ``x`` with ``x[index] = value`` (what ``t[i] = v`` records).
    ``value`` is broadcast into the indexed region, so its rule sums back."""
    out = x.copy()
    out[index] = value
    return out


def index_put_vjp_x(g, ans, x, index, value):
    return index_put(g, index, 0.0)    # the overwritten elements get none, as zero_at


def index_put_vjp_value(g, ans, x, index, value):
    """Only the surviving write of a repeated index gets the cotangent."""
    return runtime.unbroadcast_shape(setitem_value_vjp(g, index), np.shape(value))


defvjp(index_put, index_put_vjp_x, None, index_put_vjp_value)
