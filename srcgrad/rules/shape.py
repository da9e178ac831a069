"""Shape, joining, splitting and indexing rules.

Shape functions move entries around without arithmetic, so each rule moves
the cotangent back.  Arguments that are lists of arrays (``concatenate``,
``stack``, ``hstack``..., ``select``'s choicelist, ``np.array([...])``) get a
*list* of cotangents, one per element with that element's shape.  Functions
returning lists (``split``, ``array_split``...) receive ``g`` as a list or
tuple with one cotangent per piece (zeros for unused pieces).

Indexing is the primitive ``operator.getitem(x, idx)``: ints, slices,
Ellipsis, None, boolean masks and integer arrays (repeated integer indices
accumulate, via ``np.add.at``); indexing a Python list gives a list cotangent.
"""

import operator

import numpy as np

from . import defvjp, up_to_positions, refuse_position
from .. import runtime
from .selection import unpermute

# ------------------------------------------------------------ reshaping


def reshape_vjp(g, ans, a, shape=None, order="C", copy=None):
    return np.reshape(g, np.shape(a), order=order)


def ravel_vjp(g, ans, a, order="C"):
    return np.reshape(g, np.shape(a), order=order)


def transpose_vjp(g, ans, a, axes=None):
    return np.transpose(g) if axes is None else \
        np.transpose(g, np.argsort(np.mod(axes, np.ndim(a))))


def swapaxes_vjp(g, ans, a, axis1, axis2):
    return np.swapaxes(g, axis1, axis2)


def moveaxis_vjp(g, ans, a, source, destination):
    return np.moveaxis(g, destination, source)


def rollaxis_vjp(g, ans, a, axis, start=0):
    """``rollaxis(a, axis, start)`` is ``moveaxis(a, axis, dest)`` with
    ``dest = start`` or ``start - 1`` (when the axis moves right)."""
    n = np.ndim(a)
    src, st = axis % n, start + n if start < 0 else start
    return np.moveaxis(g, st if st <= src else st - 1, src)


def same_shape_vjp(g, ans, a, axis=None):
    """``expand_dims``/``squeeze``: the cotangent takes ``a``'s shape back."""
    return np.reshape(g, np.shape(a))


def atleast_vjp_0(g, ans, *arys):
    """``atleast_1d/2d/3d(*arys)``: one array returns one array, several
    return a tuple (``g`` is then a tuple with one cotangent per array); rules
    for the first four arrays."""
    return runtime.atleast_cotangent(g, arys, 0)


def atleast_vjp_1(g, ans, *arys):
    return runtime.atleast_cotangent(g, arys, 1)


def atleast_vjp_2(g, ans, *arys):
    return runtime.atleast_cotangent(g, arys, 2)


def atleast_vjp_3(g, ans, *arys):
    return runtime.atleast_cotangent(g, arys, 3)


def atleast_vjp_more(g, ans, *arys):
    """A fifth or later array: refused."""
    raise refuse_position("atleast_1d/2d/3d", 4, "call it once per array")


_ATLEAST = up_to_positions((atleast_vjp_0, atleast_vjp_1, atleast_vjp_2, atleast_vjp_3),
                           atleast_vjp_more)


def broadcast_to_vjp(g, ans, array, shape, subok=False):
    return runtime.unbroadcast_shape(g, np.shape(array))


def copy_vjp(g, ans, a, order="K", subok=False):
    return g


def array_vjp(g, ans, object, dtype=None, copy=True, order="K", subok=False, ndmin=0):
    return runtime.unstack_like(g, object)


def asarray_vjp(g, ans, a, dtype=None, order=None):
    return runtime.unstack_like(g, a)


def real_if_close_vjp(g, ans, a, tol=100):
    """The identity: a complex ``a`` whose output was made real gets the real
    cotangent ``g``, which is ``np.real``'s under the complex convention."""
    return g


defvjp(np.reshape, reshape_vjp)
defvjp(np.ravel, ravel_vjp)
defvjp(np.transpose, transpose_vjp)
defvjp(np.swapaxes, swapaxes_vjp)
defvjp(np.moveaxis, moveaxis_vjp)
defvjp(np.rollaxis, rollaxis_vjp)
defvjp(np.expand_dims, same_shape_vjp)
defvjp(np.squeeze, same_shape_vjp)
defvjp(np.atleast_1d, *_ATLEAST)
defvjp(np.atleast_2d, *_ATLEAST)
defvjp(np.atleast_3d, *_ATLEAST)
defvjp(np.broadcast_to, broadcast_to_vjp)
defvjp(np.copy, copy_vjp)
defvjp(np.array, array_vjp)
defvjp(np.asarray, asarray_vjp)
defvjp(np.asanyarray, asarray_vjp)
defvjp(runtime.as_array, asarray_vjp)     # np.asarray that keeps a Dask array lazy
defvjp(np.real_if_close, real_if_close_vjp)

# ---------------------------------------------------------- joining (lists)


def concatenate_vjp(g, ans, arrays, axis=0, out=None, dtype=None, casting="same_kind"):
    """A list argument: returns one cotangent per array."""
    return runtime.unconcatenate(g, [runtime.array_size(x) if axis is None else np.shape(x)[axis]
                                     for x in arrays], 0 if axis is None else axis, arrays)


def stack_vjp(g, ans, arrays, axis=0, out=None, dtype=None, casting="same_kind"):
    return list(np.moveaxis(g, axis, 0))


def hstack_vjp(g, ans, tup, dtype=None, casting="same_kind"):
    return runtime.unconcatenate(g, [np.shape(np.atleast_1d(x))[0 if np.ndim(g) == 1 else 1]
                                     for x in tup], 0 if np.ndim(g) == 1 else 1, tup)


def vstack_vjp(g, ans, tup, dtype=None, casting="same_kind"):
    return runtime.unconcatenate(g, [np.shape(np.atleast_2d(x))[0] for x in tup], 0, tup)


def dstack_vjp(g, ans, tup):
    return runtime.unconcatenate(g, [np.shape(np.atleast_3d(x))[2] for x in tup], 2, tup)


def column_stack_vjp(g, ans, tup):
    return runtime.unconcatenate(g, [1 if np.ndim(x) < 2 else np.shape(x)[1] for x in tup], 1, tup)


def append_vjp_arr(g, ans, arr, values, axis=None):
    return np.reshape(np.ravel(g)[:np.size(arr)], np.shape(arr)) if axis is None else \
        np.take(g, np.arange(np.shape(arr)[axis]), axis=axis)


def append_vjp_values(g, ans, arr, values, axis=None):
    return np.reshape(np.ravel(g)[np.size(arr):], np.shape(values)) if axis is None else \
        np.take(g, np.arange(np.shape(arr)[axis], np.shape(g)[axis]), axis=axis)


def index_r(items):
    """``np.r_[a, b, ...]`` as a call: the compiler rewrites the index trick
    (values only: no slices or directive strings) to ``index_r([a, b, ...])``."""
    return np.r_[tuple(items)]


def index_c(items):
    """``np.c_[a, b, ...]`` as a call (see :func:`index_r`)."""
    return np.c_[tuple(items)]


def index_r_vjp(g, ans, items):
    """Items are joined along the first axis, a number counting as one entry."""
    return runtime.unconcatenate(g, [np.shape(np.atleast_1d(x))[0] for x in items], 0, items)


def index_c_vjp(g, ans, items):
    """Items are joined along the last axis, a vector counting as a column."""
    return runtime.unconcatenate(g, [np.shape(x)[-1] if np.ndim(x) > 1 else 1 for x in items],
                                 -1, items)


defvjp(np.concatenate, concatenate_vjp)
defvjp(np.stack, stack_vjp)
defvjp(np.hstack, hstack_vjp)
defvjp(np.vstack, vstack_vjp)
defvjp(np.dstack, dstack_vjp)
defvjp(np.column_stack, column_stack_vjp)
defvjp(np.append, append_vjp_arr, append_vjp_values)
defvjp(index_r, index_r_vjp, name="np.r_")
defvjp(index_c, index_c_vjp, name="np.c_")

# ----------------------------------------------------- splitting (g is a list)


def split_vjp(g, ans, ary, indices_or_sections, axis=0):
    """``g`` holds one cotangent per piece.  (``np.array_split`` of a Python
    list counts sections by ``len(ary)`` whatever the axis, so its pieces may
    not cover ``ary``: the entries left out get zeros.)"""
    res = np.concatenate(g, axis=axis)
    short = np.shape(ary)[axis] - np.shape(res)[axis]
    if short:
        width = [(0, 0)] * np.ndim(res)
        width[axis] = (0, short)
        res = np.pad(res, width)
    return res


def hsplit_vjp(g, ans, ary, indices_or_sections):
    return np.concatenate(g, axis=1 if np.ndim(ary) > 1 else 0)


def vsplit_vjp(g, ans, ary, indices_or_sections):
    return np.concatenate(g, axis=0)


def dsplit_vjp(g, ans, ary, indices_or_sections):
    return np.concatenate(g, axis=2)


defvjp(np.split, split_vjp)
defvjp(np.array_split, split_vjp)
defvjp(np.hsplit, hsplit_vjp)
defvjp(np.vsplit, vsplit_vjp)
defvjp(np.dsplit, dsplit_vjp)

# ---------------------------------------------------- repeating, flipping


def tile_vjp(g, ans, A, reps):
    """Split each output axis into (repeat, original) and sum the repeats."""
    r = (reps,) if np.ndim(reps) == 0 else tuple(reps)
    nd = max(np.ndim(A), len(r))
    shape = (1,) * (nd - np.ndim(A)) + np.shape(A)
    r = (1,) * (nd - len(r)) + r
    gg = np.reshape(g, [n for pair in zip(r, shape) for n in pair])
    return np.reshape(np.sum(gg, axis=tuple(range(0, 2 * nd, 2))), np.shape(A))


def repeat_vjp(g, ans, a, repeats, axis=None):
    """Scatter-add each output entry back to the entry it repeats."""
    shape = (runtime.array_size(a),) if axis is None else np.shape(a)
    ax = 0 if axis is None else axis % len(shape)
    src = np.repeat(np.arange(shape[ax]), repeats)
    if runtime.is_duck(g):   # Dask has no np.add.at: a lazy scatter-add
        moved = np.moveaxis(np.reshape(g, np.shape(ans)), ax, 0)
        return np.reshape(np.moveaxis(runtime.scatter_rows(moved, src, shape[ax]), 0, ax),
                          np.shape(a))
    out = np.zeros(shape, dtype=runtime.float_dtype(np.result_type(g)))
    np.add.at(np.moveaxis(out, ax, 0), src, np.moveaxis(np.reshape(g, np.shape(ans)), ax, 0))
    return np.reshape(out, np.shape(a))


def flip_vjp(g, ans, m, axis=None):
    return np.flip(g, axis)


def fliplr_vjp(g, ans, m):
    return np.fliplr(g)


def flipud_vjp(g, ans, m):
    return np.flipud(g)


def rot90_vjp(g, ans, m, k=1, axes=(0, 1)):
    return np.rot90(g, -k, axes)


def roll_vjp(g, ans, a, shift, axis=None):
    return np.roll(g, np.negative(shift), axis)


defvjp(np.tile, tile_vjp)
defvjp(np.repeat, repeat_vjp)
defvjp(np.flip, flip_vjp)
defvjp(np.fliplr, fliplr_vjp)
defvjp(np.flipud, flipud_vjp)
defvjp(np.rot90, rot90_vjp)
defvjp(np.roll, roll_vjp)

# ------------------------------------------------------------- diagonals


def _embed_diagonal(g, n, m, offset):
    """Arrays ``out[..., r, c]`` of shape ``(..., n, m)``, zero except on the
    ``offset`` diagonal, which holds ``g[..., d]``."""
    length = np.shape(g)[-1]
    rows = np.eye(n, length, min(offset, 0))
    cols = np.eye(m, length, -max(offset, 0))
    return np.einsum("...d,rd,cd->...rc", g, rows, cols)


def diagonal_vjp(g, ans, a, offset=0, axis1=0, axis2=1):
    shape = np.shape(a)
    return np.moveaxis(_embed_diagonal(g, shape[axis1], shape[axis2], offset),
                       (-2, -1), (axis1, axis2))


def diag_vjp(g, ans, v, k=0):
    if np.ndim(v) == 1:
        return np.diagonal(g, k).copy()
    return _embed_diagonal(g, np.shape(v)[0], np.shape(v)[1], k)


def tril_vjp(g, ans, m, k=0):
    """A 1-D ``m`` is broadcast to a matrix by NumPy: sum the rows back."""
    return runtime.unbroadcast(np.tril(g, k), m)


def triu_vjp(g, ans, m, k=0):
    """A 1-D ``m`` is broadcast to a matrix by NumPy: sum the rows back."""
    return runtime.unbroadcast(np.triu(g, k), m)


defvjp(np.diagonal, diagonal_vjp)
defvjp(np.diag, diag_vjp)
defvjp(np.tril, tril_vjp)
defvjp(np.triu, triu_vjp)

# ------------------------------------------- sorting, selecting, differencing


def sort_vjp(g, ans, a, axis=-1, kind=None, order=None, stable=None):
    return unpermute(g, a, ans, axis)


def partition_vjp(g, ans, a, kth, axis=-1, kind="introselect", order=None):
    return unpermute(g, a, ans, axis)


def take_vjp(g, ans, a, indices, axis=None, out=None, mode="raise"):
    """Indices are converted as ``np.take`` converts them: a Python float or
    bool scalar becomes an integer (``1.7`` -> 1, ``True`` -> 1)."""
    ind = runtime.as_index(indices)
    shape = (runtime.array_size(a),) if axis is None or np.ndim(a) == 0 else np.shape(a)
    ax = 0 if axis is None else axis % len(shape)
    idx = ind if mode == "raise" else (np.mod(ind, shape[ax]) if mode == "wrap"
                                      else np.clip(ind, 0, shape[ax] - 1))
    ni = np.ndim(ind)
    if runtime.is_duck(g):   # Dask has no np.add.at: a lazy scatter-add
        moved = np.moveaxis(g, list(range(ax, ax + ni)), list(range(ni)))
        return np.reshape(np.moveaxis(runtime.scatter_rows(moved, idx, shape[ax]), 0, ax),
                          np.shape(a))
    res = np.zeros(shape, dtype=runtime.float_dtype(np.result_type(g)))
    np.add.at(np.moveaxis(res, ax, 0), idx,
              np.moveaxis(np.asarray(g), list(range(ax, ax + ni)), list(range(ni))))
    return np.reshape(res, np.shape(a))


def _select_masks(condlist):
    """Where each choice is the one taken: the first true condition wins."""
    taken, masks = False, []
    for c in condlist:
        masks.append(np.logical_and(c, np.logical_not(taken)))
        taken = np.logical_or(taken, c)
    return masks, taken


def select_vjp_choicelist(g, ans, condlist, choicelist, default=0):
    """Not registered ``broadcasts=True`` (its argument is a list): each
    element's cotangent is summed back to that element's shape here."""
    masks, _ = _select_masks(condlist)
    return [runtime.unbroadcast(np.where(m, g, 0.0), c) for m, c in zip(masks, choicelist)]


def select_vjp_default(g, ans, condlist, choicelist, default=0):
    _, taken = _select_masks(condlist)
    return runtime.unbroadcast(np.where(taken, 0.0, g), default)


def diff_vjp(g, ans, a, n=1, axis=-1, prepend=None, append=None):
    """The adjoint of one difference is minus a difference of the zero-padded
    cotangent; ``prepend``/``append`` entries are sliced away at the end."""
    ax = axis % np.ndim(ans)
    width = [(0, 0)] * np.ndim(ans)
    width[ax] = (1, 1)
    gg = np.asarray(g)
    for _ in range(n):
        gg = -np.diff(np.pad(gg, width), axis=ax)
    start = 0 if prepend is None else (1 if np.ndim(prepend) == 0 else np.shape(prepend)[ax])
    return np.take(gg, np.arange(start, start + np.shape(a)[ax]), axis=ax)


defvjp(np.sort, sort_vjp)
defvjp(np.partition, partition_vjp)
defvjp(np.take, take_vjp)
defvjp(np.select, None, select_vjp_choicelist, select_vjp_default)
defvjp(np.diff, diff_vjp)

# --------------------------------------------------------- padding, indexing


def _pad_interior(g, array, pad_width):
    """The index of the un-padded middle of ``g``."""
    widths = np.broadcast_to(np.asarray(pad_width, dtype=int), (np.ndim(array), 2))
    return tuple(slice(lo, n - hi) for (lo, hi), n in zip(widths, np.shape(g)))


# modes whose padding only copies elements of the array (reflect/symmetric with the
# default reflect_type='even'); 'odd', 'mean', 'linear_ramp'... compute new values
_COPY_MODES = ("edge", "reflect", "symmetric", "wrap")


def pad_vjp(g, ans, array, pad_width, mode="constant", constant_values=0, **kwargs):
    """Constant mode: the cotangent is the un-padded middle of ``g``.  The modes
    that copy elements (edge, reflect, symmetric, wrap): each element gets the sum of ``g``
    over its copies, found by padding the array of element numbers."""
    if isinstance(mode, str) and mode == "constant":
        return np.asarray(g)[_pad_interior(g, array, pad_width)]
    if isinstance(mode, str) and mode in _COPY_MODES and \
            kwargs.get("reflect_type", "even") == "even":
        shape = np.shape(array)
        size = int(np.prod(shape))
        src = np.pad(np.arange(size).reshape(shape), pad_width, mode=mode, **kwargs)
        return np.bincount(src.ravel(), weights=np.ravel(g), minlength=size).reshape(shape)
    raise NotImplementedError("gradient of np.pad with mode=%r (use 'constant', 'edge', "
                              "'reflect', 'symmetric' or 'wrap')" % (mode,))


def pad_vjp_constant_values(g, ans, array, pad_width, mode="constant", constant_values=0,
                            **kwargs):
    """A single fill value gets the sum of ``g`` over the padding."""
    if np.ndim(constant_values):
        raise NotImplementedError("srcgrad: the gradient of np.pad with respect to per-axis "
                                  "constant_values is not supported; pass one value")
    return np.sum(g) - np.sum(np.asarray(g)[_pad_interior(g, array, pad_width)])


def _basic_index(idx):
    """True when ``x[idx] = v`` writes each entry at most once (no integer
    arrays), so plain assignment can replace ``np.add.at``."""
    parts = idx if isinstance(idx, tuple) else (idx,)
    return all(p is None or p is Ellipsis or isinstance(p, (int, np.integer, slice))
               or runtime.as_array(p).dtype == bool for p in parts)


def getitem_vjp(g, ans, x, idx):
    """Scatter ``g`` into zeros; repeated integer indices accumulate."""
    if isinstance(x, (list, tuple)):
        out = [runtime.zeros_like(v) for v in x]
        out[idx] = g
        return type(x)(*out) if hasattr(x, "_fields") else out
    if isinstance(x, dict):
        return {k: (g if k == idx else runtime.zeros_like(v)) for k, v in x.items()}
    dtype = runtime.float_dtype(np.result_type(x))
    gx = g if dtype.kind == "c" else runtime.real_cotangent(g)   # a real x: real part
    if _basic_index(idx):
        if runtime.is_duck(x) and any(map(runtime.is_duck, idx if isinstance(idx, tuple)
                                          else (idx,))):
            raise NotImplementedError(
                "%ssrcgrad: the gradient of x[mask] with a lazy (%s) boolean mask puts values "
                "of unknown number back in place, which %s cannot do lazily; write "
                "np.where(mask, expression, 0.0) instead of indexing with the mask"
                % ((runtime.user_line(),) + (type(x).__module__.split(".")[0],) * 2))
        # zeros_like: a tape Tensor when g is one (create_graph), so the scatter is recorded
        out = np.zeros_like(gx, shape=np.shape(x), dtype=dtype)
        out[idx] = gx
    elif runtime.is_duck(gx):   # Dask has no np.add.at
        return runtime.scatter_index(gx, np.shape(x), idx)
    else:
        out = np.zeros(np.shape(x), dtype=dtype)
        np.add.at(out, idx, gx)
    return out


defvjp(np.pad, pad_vjp, None, None, pad_vjp_constant_values)
defvjp(operator.getitem, getitem_vjp, None, name="getitem")
