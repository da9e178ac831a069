"""Subscripts in generated code: the plumbing around ``y[i]`` and
``y[i] = v``.

A subscript assignment is made reversible by :func:`snapshot` (the slice it
overwrites, saved in the forward sweep) and :func:`restore` (put back in the
pullback, so reads of ``y`` further back see the old values).  An adjoint loop
accumulates a ``y[i]`` cotangent in place with :func:`add_at` into a cotangent
made private by :func:`owned`.  The derivative of an assignment itself (which
cotangent ``v`` and the old ``y`` get) is a rule: srcgrad/rules/mutation.py.

Guarantees: :func:`add_at` accumulates repeated integer indices (``np.add.at``)
and only ever writes into an :func:`owned` copy; :func:`restore` puts back
exactly what :func:`snapshot` saved, deleting a dict key the assignment made.
"""

import numpy as np

from .complex import real_cotangent
from .duck import is_duck, user_line
from .trees import add, float_dtype


def as_index(indices):
    """Indices as ``np.take`` converts them: a Python float or bool scalar
    becomes an integer (``1.7`` -> 1, ``True`` -> 1; NumPy refuses float
    arrays before any rule runs).

    >>> int(as_index(1.7)), int(as_index(True)), as_index([0, 2]).tolist()
    (1, 1, [0, 2])
    """
    ind = np.asarray(indices)
    return ind.astype(np.intp) if ind.dtype.kind in "fb" else ind


class _Missing:
    """Marks a dict key that did not exist before an assignment created it."""

    def __repr__(self):
        return "<missing>"


MISSING = _Missing()


def snapshot(y, index):
    """A copy of ``y[index]``, saved before a subscript assignment overwrites it
    (:data:`MISSING` for a dict key the assignment creates)."""
    if isinstance(y, dict) and index not in y:
        return MISSING
    if is_duck(y):
        raise NotImplementedError(
            "%ssrcgrad: y[...] = value into a %s array: its slices are copies, not views of "
            "y as NumPy's are, so the compiler's model of the assignment would not hold; "
            "build the array without assigning into it (np.where, np.concatenate), or "
            "assign into a NumPy array" % (user_line(), type(y).__module__.split(".")[0]))
    v = y[index]
    return v.copy() if isinstance(v, np.ndarray) else v


def restore(y, index, value):
    """Undo a subscript assignment: put back what :func:`snapshot` saved."""
    if value is MISSING:
        del y[index]
    else:
        y[index] = value


def owned(g):
    """A private, writable copy of a cotangent, for in-place accumulation (a
    tuple's as a list: :func:`filled` gives it its type back)."""
    if isinstance(g, (list, tuple)):
        return list(g)
    if isinstance(g, dict):
        return dict(g)
    if isinstance(g, np.ndarray):
        return np.array(g, dtype=float_dtype(g.dtype))
    if is_duck(g):    # a Dask array: a new array object (its graph is shared, not computed)
        return g.astype(float_dtype(g.dtype), copy=True)
    return g


def add_at(g, index, value):
    """``g[index] += value`` into an owned cotangent (repeated integer indices
    accumulate); returns ``g``.  A scalar zero ``g`` cannot be indexed: it is
    returned unchanged only if ``value`` is zero too."""
    if isinstance(g, np.ndarray) and g.ndim:
        if g.dtype.kind != "c":
            value = real_cotangent(value)   # g is a real value's cotangent
        if isinstance(index, (int, np.integer, slice)) or index is Ellipsis or (
                isinstance(index, tuple) and all(isinstance(i, (int, np.integer, slice))
                                                 or i is None or i is Ellipsis
                                                 for i in index)):
            g[index] += value
        else:
            np.add.at(g, index, value)
        return g
    if is_duck(g) and g.ndim:
        return _duck_add_at(g, index, value)
    if isinstance(g, dict):
        g[index] = add(g.get(index), value)
        return g
    if isinstance(g, list):
        g[index] = add(g[index], value)
        return g
    raise TypeError("internal error: cannot accumulate into a cotangent of type %s"
                    % type(g).__name__)


def _duck_add_at(g, index, value):
    """:func:`add_at` into a duck array (a Dask array: ``g[index] = ...``
    builds a new graph in the :func:`owned` array object).  A basic index
    (integers, slices) adds in place; an index array, whose repeated entries
    must accumulate (``np.add.at``, which Dask does not implement), is refused
    rather than computed."""
    if g.dtype.kind != "c":
        value = real_cotangent(value)
    if isinstance(index, (int, np.integer, slice)) or index is Ellipsis or (
            isinstance(index, tuple) and all(isinstance(i, (int, np.integer, slice))
                                             or i is None or i is Ellipsis for i in index)):
        g[index] = g[index] + value
        return g
    raise NotImplementedError(
        "%ssrcgrad: the gradient of a subscript with an index array, accumulated in a loop, "
        "needs np.add.at, which %s arrays do not implement; index with integers or slices "
        "in the loop, or compute the array first (x.compute())"
        % (user_line(), type(g).__module__.split(".")[0]))


def scatter_rows(g, index, n):
    """``np.add.at(zeros, index, g)`` along the first axis of a duck array
    (``zeros`` of ``n`` rows): the cotangent of ``x[index]`` for a concrete
    integer ``index`` (an ndarray or list), ``g`` shaped
    ``index.shape + x.shape[1:]``.  Built lazily from dispatched calls alone
    (Dask has no ``np.add.at``): the rows of ``g`` are summed per distinct
    index by one ``np.bincount`` over their positions, and the sums gathered
    back to the ``n`` rows by ``np.take`` (rows never indexed get zeros).
    The index itself is small, concrete data (``np.unique`` of it runs here).

    >>> scatter_rows(np.array([1.0, 2.0, 4.0]), [2, 0, 2], 3).tolist()
    [2.0, 0.0, 5.0]
    """
    index = np.asarray(index)
    if index.dtype.kind not in "iu":
        raise TypeError("srcgrad: internal: scatter_rows needs an integer index")
    rest = tuple(g.shape[index.ndim:])
    if g.dtype.kind == "c":   # np.bincount sums real weights: the two parts apart
        return scatter_rows(g.real, index, n) + 1j * scatter_rows(g.imag, index, n)
    width = 1
    for k in rest:
        width *= k
    rows, inverse = np.unique(np.where(index < 0, index + n, index).ravel(),
                              return_inverse=True)
    flat = np.reshape(g, (index.size * width,))
    where = (np.reshape(inverse, (-1, 1)) * width + np.arange(width)).ravel()
    sums = np.bincount(np.zeros_like(flat, dtype=np.intp) + where, weights=flat,
                       minlength=rows.size * width)
    sums = np.reshape(sums.astype(float_dtype(g.dtype), copy=False), (rows.size,) + rest)
    slot = np.zeros(n, dtype=np.intp)
    slot[rows] = np.arange(1, rows.size + 1)
    padded = np.concatenate([np.zeros_like(sums, shape=(1,) + rest), sums])
    return np.take(padded, slot, axis=0)


def scatter_index(g, shape, idx):
    """The cotangent of ``x[idx]`` (``x`` of ``shape``) for a duck cotangent
    ``g`` and an advanced index, lazily (:func:`scatter_rows`): for one
    concrete integer array on one axis, the other axes taken whole
    (``x[idx]``, ``x[:, idx]``); other advanced indexes are refused at the
    user's line, naming the form to use (the gradient rule of subscripts,
    srcgrad/rules/shape.py, calls this for a Dask cotangent)."""
    parts = idx if isinstance(idx, tuple) else (idx,)
    arrays = [k for k, p in enumerate(parts) if not isinstance(p, (int, np.integer, slice))]
    if len(arrays) == 1:
        k = arrays[0]
        p = parts[k]
        whole = all(isinstance(q, slice) and q == slice(None)
                    for i, q in enumerate(parts) if i != k)
        if whole and p is not None and p is not Ellipsis and not is_duck(p) \
                and np.asarray(p).dtype.kind in "iu":
            ni = np.ndim(p)
            moved = np.moveaxis(g, list(range(k, k + ni)), list(range(ni)))
            return np.moveaxis(scatter_rows(moved, p, shape[k]), 0, k)
    raise NotImplementedError(
        "%ssrcgrad: the gradient of x[index] on a %s array, with an index that is not one "
        "concrete integer array on one axis (x[idx], x[:, idx]), needs np.add.at, which %s "
        "does not implement lazily; index one axis at a time with a NumPy integer array "
        "(x[idx][:, jdx]), or compute the array first (x.compute())"
        % ((user_line(),) + (type(g).__module__.split(".")[0],) * 2))
