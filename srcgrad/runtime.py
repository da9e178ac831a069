"""Helpers called by generated code, by the tape and by rules.

Small, fast and free of srcgrad imports: generated code imports this module as
``_rt``.  Broadcasting is undone here and nowhere else.
"""

import contextlib
import threading

import numpy as np

__all__ = ["unbroadcast", "unbroadcast_shape", "add", "zeros_like", "expand_reduced",
           "ones_like_float", "to_kind", "float_dtype", "conj", "real_cotangent"]


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
    shape = x.shape if type(x) is np.ndarray else np.shape(x)
    if type(g) is np.ndarray:
        if g.shape == shape:
            return g
    elif np.shape(g) == shape:
        return g
    return unbroadcast_shape(g, shape)


def atleast_cotangent(g, arys, k):
    """The cotangent of ``arys[k]`` in ``np.atleast_1d/2d/3d(*arys)``: one
    array returns one array, several return a tuple (``g`` is then a tuple
    with one cotangent per array); reshaped to the argument's shape."""
    if len(arys) > 1:
        g = g[k]
    return np.reshape(g, np.shape(arys[k]))


def as_index(indices):
    """Indices as ``np.take`` converts them: a Python float or bool scalar
    becomes an integer (``1.7`` -> 1, ``True`` -> 1; NumPy refuses float
    arrays before any rule runs).

    >>> int(as_index(1.7)), int(as_index(True)), as_index([0, 2]).tolist()
    (1, 1, [0, 2])
    """
    ind = np.asarray(indices)
    return ind.astype(np.intp) if ind.dtype.kind in "fb" else ind


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
    """Accumulate two cotangents where either may be ``None`` (no
    contribution); lists, tuples, namedtuples and dicts add per element."""
    if a is None:
        return b
    if b is None:
        return a
    if isinstance(a, dict):
        return {k: add(a.get(k), b.get(k)) for k in set(a) | set(b)}
    if isinstance(a, list):
        return [add(x, y) for x, y in zip(a, b)]
    if isinstance(a, tuple):
        items = [add(x, y) for x, y in zip(a, b)]
        return type(a)(*items) if hasattr(a, "_fields") else tuple(items)
    fa = object_fields(a)
    if fa is not None:
        fb = object_fields(b)
        if fb is None:     # a zero standing for the whole object
            return a
        return map_fields(a, fa, lambda k, v: add(v, fb.get(k)))
    if object_fields(b) is not None:
        return b
    return a + b


def zeros_like(x):
    """A zero cotangent for ``x``: float zeros of the same shape (a float for
    a Python number; the same structure for lists, tuples and dicts)."""
    if isinstance(x, (float, int, bool)) or x is None:
        return 0.0
    if isinstance(x, dict):
        return {k: zeros_like(v) for k, v in x.items()}
    if isinstance(x, list):
        return [zeros_like(v) for v in x]
    if isinstance(x, tuple):
        items = [zeros_like(v) for v in x]
        return type(x)(*items) if hasattr(x, "_fields") else tuple(items)
    fields = object_fields(x)
    if fields is not None:
        return map_fields(x, fields, lambda k, v: zeros_like(v))
    a = np.asarray(x)
    if a.dtype == object:
        return 0.0
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
        return np.broadcast_to(g, shape)
    if not keepdims and len(shape):
        axes = (axis,) if np.ndim(axis) == 0 else tuple(axis)
        axes = sorted(a % len(shape) for a in axes)
        g = np.reshape(g, [1 if i in axes else n for i, n in enumerate(shape)]) \
            if np.ndim(g) != len(shape) else g
    return np.broadcast_to(g, shape)


def to_kind(g, x):
    """Give a gradient the kind of its argument ``x``: a Python float for a
    Python number, an ndarray (never a read-only broadcast view) for arrays,
    the same structure for lists, tuples, namedtuples and dicts."""
    tx = type(x)
    if tx is np.ndarray and type(g) is np.ndarray and g.shape == x.shape and \
            g.dtype == x.dtype and g.base is None and x.dtype.kind == "f":
        return g  # a fresh array of the right kind already
    if tx is float and type(g) is float:
        return g
    if isinstance(x, (float, int)) and not isinstance(x, bool):
        g = real_cotangent(g)    # a real argument's gradient is real
        return float(np.sum(g)) if np.ndim(g) else float(g)
    if tx is complex:
        return complex(np.sum(g)) if np.ndim(g) else complex(g)
    if isinstance(x, np.ndarray):
        out = np.asarray(g)
        if x.dtype.kind != "c":
            out = real_cotangent(out)
        if out.shape != x.shape:
            out = unbroadcast_shape(out, x.shape)
        if not out.flags.writeable or out.base is not None and not out.flags.owndata:
            out = np.array(out, dtype=float_dtype(out.dtype))
        elif out.dtype != float_dtype(x.dtype):
            out = out.astype(float_dtype(x.dtype))
        return out
    if isinstance(x, np.generic):
        if x.dtype.kind != "c":
            g = real_cotangent(g)
        return np.asarray(g, dtype=float_dtype(x.dtype))[()]
    if isinstance(x, dict):
        g = g if isinstance(g, dict) else {}
        return {k: to_kind(g.get(k, 0.0), v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        items = [to_kind(a, v) for a, v in zip(_sequence_parts(g, x), x)]
        if hasattr(x, "_fields"):
            return type(x)(*items)
        return type(x)(items)
    fields = object_fields(x)
    if fields is not None:
        got = object_fields(g) if type(g) is type(x) else None
        if got is None:
            return zeros_like(x)
        return map_fields(x, fields, lambda k, v: to_kind(got.get(k, 0.0), v))
    return g




def _sequence_parts(g, x):
    """The cotangents of the items of a list or tuple ``x`` from its cotangent
    ``g``: a list/tuple as it is; an array (``x`` went through NumPy, which
    read it as an array) row by row, after undoing broadcasting against
    ``np.shape(x)``; a scalar zero (no gradient) as zeros."""
    if isinstance(g, (list, tuple)):
        return g
    if np.ndim(g) == 0 and not np.any(g):
        return [0.0] * len(x)
    try:
        shape = np.shape(x)
    except ValueError:  # ragged: NumPy could not have read it as one array
        raise TypeError("internal error: an array cotangent for a ragged %s"
                        % type(x).__name__) from None
    g = np.asarray(g)
    if g.shape != shape:
        g = unbroadcast_shape(np.broadcast_to(g, np.broadcast_shapes(g.shape, shape)), shape)
    return list(g)

# ---------------------------------------------------------------------------
# Shape helpers for the rule table (srcgrad.rules).  Rules whose body is one
# expression may call these, so they stay inlinable into generated code.
# ---------------------------------------------------------------------------

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


def _einsum_terms(subscripts, shapes):
    """Explicit input terms and output term of an einsum, with ``...`` replaced
    by fresh letters (right-aligned, as NumPy broadcasts them)."""
    s = subscripts.replace(" ", "")
    ins, _, out = s.partition("->")
    ins = ins.split(",")
    if "->" not in s:
        letters = "".join(t.replace("...", "") for t in ins)
        out = ("..." if "..." in s else "") + "".join(
            sorted(c for c in set(letters) if letters.count(c) == 1))
    fresh = [c for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
             if c not in s]
    nell = max([len(sh) - (len(t) - 3) for t, sh in zip(ins, shapes) if "..." in t] or [0])
    ell = "".join(fresh[:nell])
    ins = [t.replace("...", ell[nell - (len(sh) - (len(t) - 3)):]) for t, sh in zip(ins, shapes)]
    return ins, out.replace("...", ell), fresh[nell:]


def einsum_vjp(g, subscripts, operands, k, optimize=False):
    """Cotangent of operand ``k`` of ``np.einsum(subscripts, *operands)``.

    One einsum contracts ``g`` with the other operands; a letter repeated in
    operand ``k`` (a diagonal) is restored with an identity matrix, a letter
    only operand ``k`` has (summed away) with a vector of ones, and axes that
    einsum broadcast from length 1 are summed back.

    >>> einsum_vjp(np.ones(2), "ij,j->i", (np.ones((2, 3)), np.arange(3.)), 0).tolist()
    [[0.0, 1.0, 2.0], [0.0, 1.0, 2.0]]
    """
    shapes = [np.shape(op) for op in operands]
    ins, out, fresh = _einsum_terms(subscripts, shapes)
    sizes = {}
    for term, shape in zip(ins, shapes):
        for c, n in zip(term, shape):
            sizes[c] = max(sizes.get(c, 1), n)
    terms, args = [out], [g]
    for j, (term, op) in enumerate(zip(ins, operands)):
        if j != k:
            terms.append(term)
            args.append(conj(op))     # the conjugate transpose of a complex-linear map
    seen, res = [], ""
    for c in ins[k]:
        if c in seen:
            f = fresh.pop(0)
            terms.append(c + f)
            args.append(np.eye(sizes[c]))
            res += f
        else:
            seen.append(c)
            res += c
    present = "".join(terms)
    for c in seen:
        if c not in present:
            terms.append(c)
            args.append(np.ones(sizes[c]))
    grad = np.einsum(",".join(terms) + "->" + res, *args, optimize=optimize)
    shape = shapes[k]
    axes = tuple(i for i, n in enumerate(shape) if n == 1 and grad.shape[i] != 1)
    return np.sum(grad, axis=axes, keepdims=True) if axes else grad


_LABELS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def _sublist_term(sub):
    """An einsum sublist (``[0, 1]``, ``[Ellipsis, 0]``) as a subscripts term;
    integer ``i`` is letter ``i`` of A-Z, a-z (so NumPy's implicit output
    order, by label, is the alphabetical one)."""
    return "".join("..." if s is Ellipsis else _LABELS[int(s)] for s in sub)


def einsum_sublists(args):
    """``(subscripts, operands)`` for an einsum call in the interleaved form
    ``einsum(op0, sub0, op1, sub1, ..., [out])``.

    >>> einsum_sublists((np.ones((2, 3)), [0, 1], [1, 0]))[0]
    'AB->BA'
    """
    ops, subs = args[0::2], args[1::2]
    out = None
    if len(args) % 2:
        ops, out = ops[:-1], args[-1]
    terms = ",".join(_sublist_term(sub) for sub in subs)
    return (terms if out is None else terms + "->" + _sublist_term(out)), tuple(ops)


def einsum_call_vjp(g, first, rest, position, optimize=False):
    """Cotangent of the argument at call ``position`` of
    ``np.einsum(first, *rest)``, in either call form: a subscripts string
    (operands follow it) or interleaved operands and sublists."""
    if isinstance(first, str):
        return einsum_vjp(g, first, rest, position - 1, optimize)
    subscripts, operands = einsum_sublists((first,) + tuple(rest))
    return einsum_vjp(g, subscripts, operands, position // 2, optimize)


def dot_subscripts(na, nb):
    """einsum subscripts equivalent to ``np.dot`` of arrays of ranks na, nb."""
    a = "abcdefghijklm"[:max(na - 1, 0)]
    b = "nopqrstuvwxy"[:max(nb - 2, 0)] + ("Z" if nb >= 2 else "")
    if na == 0 or nb == 0:
        a, b = "abcdefghijklm"[:na], "nopqrstuvwxy"[:nb]
        return "%s,%s->%s" % (a, b, a + b)
    return "%sz,%s->%s" % (a, b[:-1] + "z" + b[-1:] if nb >= 2 else "z", a + b)


def matmul_subscripts(na, nb):
    """einsum subscripts equivalent to ``np.matmul`` (``@``)."""
    a = "...ij" if na >= 2 else "j"
    b = "...jk" if nb >= 2 else "j"
    out = ("..." if max(na, nb) >= 2 else "") + ("i" if na >= 2 else "") + \
        ("k" if nb >= 2 else "")
    return "%s,%s->%s" % (a, b, out)


def tensordot_subscripts(na, nb, axes=2):
    """einsum subscripts equivalent to ``np.tensordot(a, b, axes)``."""
    if np.ndim(axes) == 0:
        axes = (list(range(na - axes, na)), list(range(axes)))
    ax_a, ax_b = ([axes[0]] if np.ndim(axes[0]) == 0 else list(axes[0]),
                  [axes[1]] if np.ndim(axes[1]) == 0 else list(axes[1]))
    ax_a, ax_b = [i % na for i in ax_a], [i % nb for i in ax_b]
    la = "abcdefghijklmnopqrstuvwxyz"[:na]
    lb = list("ABCDEFGHIJKLMNOPQRSTUVWXYZ"[:nb])
    for i, j in zip(ax_a, ax_b):
        lb[j] = la[i]
    out = "".join(c for i, c in enumerate(la) if i not in ax_a) + \
        "".join(c for j, c in enumerate(lb) if j not in ax_b)
    return "%s,%s->%s" % (la, "".join(lb), out)


def inner_subscripts(na, nb):
    """einsum subscripts equivalent to ``np.inner``."""
    if na == 0 or nb == 0:
        return dot_subscripts(na, nb)
    a, b = "abcdefghijklm"[:na - 1], "nopqrstuvwxy"[:nb - 1]
    return "%sz,%sz->%s" % (a, b, a + b)


def digamma(x):
    """The digamma function psi = (log Gamma)' for a real scalar ``x``
    (recurrence up to x >= 10, then the asymptotic series; reflection for x < 0).

    >>> round(digamma(1.0), 12)
    -0.577215664902
    """
    import math
    x = float(x)
    if x <= 0 and x == math.floor(x):
        return math.nan
    if x < 0:
        return digamma(1.0 - x) - math.pi / math.tan(math.pi * x)
    acc = 0.0
    while x < 10.0:
        acc -= 1.0 / x
        x += 1.0
    f = 1.0 / (x * x)
    series = f * (1 / 12 - f * (1 / 120 - f * (1 / 252 - f * (1 / 240 - f * (1 / 132)))))
    return acc + math.log(x) - 0.5 / x - series


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


def product_vjp_a(g, a, b, subscripts):
    """Cotangent of ``a`` in ``a @ b`` / ``np.dot(a, b)``: direct BLAS calls
    for operands of rank 1 and 2 (the common case), einsum otherwise."""
    if isinstance(a, (list, tuple)):
        a = np.asarray(a)
    if isinstance(b, (list, tuple)):
        b = np.asarray(b)
    na = a.ndim if type(a) is np.ndarray else np.ndim(a)
    nb = b.ndim if type(b) is np.ndarray else np.ndim(b)
    if na == 0 or na > 2 or nb == 0 or nb > 2:
        if na == 0 or nb == 0:
            return np.sum(g * conj(b)) if na == 0 else g * conj(b)
        return einsum_vjp(g, subscripts(na, nb), (a, b), 0)
    b = conj(b)
    if na == 2 and nb == 2:
        return g @ b.T
    if na == 2 and nb == 1:
        return np.outer(g, b)
    if na == 1 and nb == 2:
        return b @ g
    return g * b


def product_vjp_b(g, a, b, subscripts):
    """Cotangent of ``b`` in ``a @ b`` / ``np.dot(a, b)``."""
    if isinstance(a, (list, tuple)):
        a = np.asarray(a)
    if isinstance(b, (list, tuple)):
        b = np.asarray(b)
    na = a.ndim if type(a) is np.ndarray else np.ndim(a)
    nb = b.ndim if type(b) is np.ndarray else np.ndim(b)
    if na == 0 or na > 2 or nb == 0 or nb > 2:
        if na == 0 or nb == 0:
            return np.sum(g * conj(a)) if nb == 0 else g * conj(a)
        return einsum_vjp(g, subscripts(na, nb), (a, b), 1)
    a = conj(a)
    if na == 2 and nb == 2:
        return a.T @ g
    if na == 2 and nb == 1:
        return g @ a
    if na == 1 and nb == 2:
        return np.outer(a, g)
    return g * a


# ---------------------------------------------------------------- mutation


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
    v = y[index]
    return v.copy() if isinstance(v, np.ndarray) else v


def restore(y, index, value):
    """Undo a subscript assignment: put back what :func:`snapshot` saved."""
    if value is MISSING:
        del y[index]
    else:
        y[index] = value


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
    if isinstance(v, np.ndarray):
        if v.size and _repeats(np.shape(g), index):
            return np.where(last_writer_mask(np.shape(g), index), v, 0.0).astype(
                v.dtype, copy=False)
        return v.copy()  # g may be zeroed in place next
    if np.ndim(v) and _repeats(np.shape(g), index):  # a tape Tensor (create_graph)
        return v * last_writer_mask(np.shape(g), index)
    return v


#: The helper's former name (generated code called ``_rt.take``): the same
#: last-writer semantics under either name.
take = setitem_value_vjp


def zero_at(g, index):
    """A copy of cotangent ``g`` with ``g[index]`` zeroed: the elements a
    subscript assignment overwrote get no gradient from the older value."""
    if isinstance(g, list):
        out = list(g)
        out[index] = zeros_like(out[index])
        return out
    if isinstance(g, dict):
        out = dict(g)
        out.pop(index, None)
        return out
    out = np.array(g, dtype=float_dtype(np.result_type(g)))
    if out.ndim:
        out[index] = 0.0
    return out


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


def once(calls):
    """Guard a pullback that restores arrays its function mutated: it can
    only run once per forward call."""
    if calls:
        raise RuntimeError(
            "this pullback has already run: the function assigns into arrays or lists, "
            "which the first pullback restored. Call srcgrad.vjp again to pull back "
            "another cotangent.")
    calls.append(True)


def field_cotangent(g, obj, name):
    """Cotangent of ``obj.name`` for a namedtuple or user object ``obj`` (or
    of ``obj[name]`` for a dict): ``g`` in that field, zeros elsewhere.  An
    attribute that is not one of the object's own fields (a class attribute)
    is a constant, like a global; a property's getter is differentiated
    through :data:`GETTER_VJP`."""
    if isinstance(obj, dict):
        return {k: (g if k == name else zeros_like(v)) for k, v in obj.items()}
    if hasattr(obj, "_fields") and isinstance(obj, tuple):
        return type(obj)(*[g if f == name else zeros_like(v)
                           for f, v in zip(obj._fields, obj)])
    fields = object_fields(obj)
    if fields is None:
        raise TypeError("srcgrad can differentiate attribute access only on namedtuples and "
                        "objects of user classes, not on %s objects" % type(obj).__name__)
    if name not in fields:
        import inspect
        try:
            attr = inspect.getattr_static(type(obj), name)
        except AttributeError:
            attr = None
        if isinstance(attr, property) and GETTER_VJP is not None:
            return GETTER_VJP(attr.fget, obj, g)
        if inspect.isfunction(attr) and type(g) is type(obj):
            return g    # obj.method as a value: its cotangent is its receiver's
        return zeros_like(obj)
    return map_fields(obj, fields, lambda k, v: g if k == name else zeros_like(v))


# ---------------------------------------------------------------------------
# Objects of user classes as trees: their own attributes are the fields
# ---------------------------------------------------------------------------

#: ``GETTER_VJP(fget, obj, g)``: the cotangent of ``obj`` for ``g``, the
#: cotangent of ``fget(obj)`` (a property); installed by the compiler's
#: dynamic calls (srcgrad.compiler.dynamic), which runtime never imports.
GETTER_VJP = None

#: ``DYNAMIC_CALL(site, callee, args)``: ``(value, pullback)`` of a call whose
#: callee is a run-time value; installed by srcgrad.compiler.dynamic.
DYNAMIC_CALL = None

_NOT_OBJECTS = ("builtins", "numpy", "functools", "types", "srcgrad", "collections",
                "scipy", "typing", "abc", "weakref", "threading", "re")


def object_fields(x):
    """The fields of an object of a user class, as a dict ``{attribute: value}``
    (a dataclass's fields, or the instance ``__dict__``); ``None`` for anything
    else (numbers, arrays, containers, functions, modules, classes, library
    objects).

    >>> class P: __module__ = "model"     # a user's module
    >>> p = P(); p.w = 1.0
    >>> object_fields(p), object_fields([1.0]), object_fields(np.sin)
    ({'w': 1.0}, None, None)
    """
    tp = type(x)
    if tp is Closure:   # its captured values are its fields
        return {"cells": x.cells}
    if tp in _PLAIN or isinstance(x, (list, tuple, dict, type)) or \
            (getattr(tp, "__module__", None) or "builtins").split(".")[0] in _NOT_OBJECTS:
        return None
    if hasattr(tp, "__dataclass_fields__"):
        import dataclasses
        return {f.name: getattr(x, f.name) for f in dataclasses.fields(x)}
    d = getattr(x, "__dict__", None)
    return dict(d) if isinstance(d, dict) else None


_VISITING = threading.local()


def map_fields(x, fields, fn, holds=None):
    """``x`` rebuilt with ``fn(name, value)`` in its fields that hold
    gradients (see :func:`_holds_gradient`); the others keep their values, and
    so does a field that refers back to an object being mapped (a cycle:
    ``layer.parent = model``)."""
    ids = getattr(_VISITING, "ids", None)
    if ids is None:
        ids = _VISITING.ids = set()
    holds = holds or _holds_gradient
    ids.add(id(x))
    try:
        return rebuild_object(x, {k: fn(k, v) if id(v) not in ids and holds(v)
                                  else v for k, v in fields.items()})
    finally:
        ids.discard(id(x))


def rebuild_object(x, fields):
    """A shallow copy of the user object ``x`` with ``fields`` set (frozen
    dataclasses too: the copy is made, never ``x`` changed)."""
    import copy
    out = copy.copy(x)
    for k, v in fields.items():
        object.__setattr__(out, k, v)
    return out


def _holds_gradient(v):
    """Whether an object's attribute gets a gradient: floats, complex and
    float arrays, and containers or objects (of them); ints, bools, strings,
    integer arrays, callables and ``None`` keep their values."""
    if isinstance(v, (bool, np.bool_, int, np.integer, str, bytes)) or v is None:
        return False
    if isinstance(v, (float, complex, np.floating, np.complexfloating)):
        return True
    if isinstance(v, np.ndarray):
        return v.dtype.kind in "fc"
    if isinstance(v, (list, tuple, dict)):
        return True
    return object_fields(v) is not None


class Closure:
    """A nested function (or lambda) that reads local variables, made a value
    by compiled code: ``fn`` is the lifted function (those variables as its
    last parameters) and ``cells`` their values when the value was made.
    Calling it calls ``fn(*args, *cells)``.  As a cotangent (the gradient of
    a closure) it holds the cells' cotangents: its gradient is theirs."""

    def __init__(self, fn, cells):
        self.fn = fn
        self.cells = tuple(cells)
        self.__name__ = getattr(fn, "__name__", "closure")

    def __call__(self, *args):
        return self.fn(*(args + self.cells))

    def __repr__(self):
        return "<srcgrad closure %s over %d values>" % (self.__name__, len(self.cells))


class CallSite:
    """A call in generated code whose callee is a run-time value: ``site(f,
    a, b)`` (``f(a, b)``) or, for a method site, ``site(obj, a, b)``
    (``obj.<method>(a, b)``) returns ``(value, pullback)``; ``pullback(g)``
    returns the cotangents of the operands at ``wrt`` (position 0 is the
    callee or the receiver).  The callee is looked up by identity at each
    call (:data:`DYNAMIC_CALL`, srcgrad.compiler.dynamic): a different
    callee gets its own compiled code, never another's."""

    __slots__ = ("filename", "line", "wrt", "mode", "method", "__weakref__")

    def __init__(self, filename, line, wrt, mode, method=None):
        self.filename = filename
        self.line = line
        self.wrt = tuple(wrt)
        self.mode = mode
        self.method = method

    def __call__(self, callee, *args, **kwargs):
        return DYNAMIC_CALL(self, callee, args, kwargs)

    def __repr__(self):
        return "<srcgrad call site %s:%s>" % (self.filename, self.line)


def container_cotangent(g, x):
    """Cotangent of ``x`` given the cotangent ``g`` of a copy of it made by
    ``list``/``tuple``/``dict`` (rows, for an array)."""
    if isinstance(x, np.ndarray):
        return np.asarray([zeros_like(r) if isinstance(c, float) and c == 0.0 else c
                           for c, r in zip(g, x)], dtype=float_dtype(x.dtype)).reshape(x.shape)
    if isinstance(x, dict):
        return dict(g)
    if isinstance(x, tuple) and hasattr(x, "_fields"):
        return type(x)(*g)
    if isinstance(x, (list, tuple)):
        return type(x)(g)
    if isinstance(x, _DICT_VIEWS):
        return list(g)      # the view's own cotangent: its items, in order
    if isinstance(x, (range, str, bytes)) or not _carries(g):
        return zeros_like(x)
    raise TypeError("srcgrad cannot send a gradient back through list(...) or tuple(...) "
                    "of a %s: make the values a list, tuple or dict first, or use "
                    "mode=\"tape\"" % type(x).__name__)


_DICT_VIEWS = (type({}.keys()), type({}.values()), type({}.items()))


def _carries(g):
    """Whether a cotangent holds anything but zeros."""
    if isinstance(g, (list, tuple)):
        return any(_carries(v) for v in g)
    if isinstance(g, dict):
        return any(_carries(v) for v in g.values())
    if g is None:
        return False
    try:
        return bool(np.any(np.asarray(g) != 0))
    except (TypeError, ValueError):
        return True


def owned(g):
    """A private, writable copy of a cotangent, for in-place accumulation."""
    if isinstance(g, list):
        return list(g)
    if isinstance(g, dict):
        return dict(g)
    if isinstance(g, np.ndarray):
        return np.array(g, dtype=float_dtype(g.dtype))
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
    if isinstance(g, dict):
        g[index] = add(g.get(index), value)
        return g
    if isinstance(g, list):
        g[index] = add(g[index], value)
        return g
    raise TypeError("internal error: cannot accumulate into a cotangent of type %s"
                    % type(g).__name__)


def zero_at_inplace(g, index):
    """``g[index] = 0`` in an owned cotangent; returns ``g``."""
    if isinstance(g, np.ndarray) and g.ndim:
        g[index] = 0.0
        return g
    if isinstance(g, list):
        g[index] = zeros_like(g[index])
        return g
    if isinstance(g, dict):
        g.pop(index, None)
        return g
    return zero_at(g, index)


def copy_value(x):
    """A copy of a returned value (arrays, lists, tuples, dicts copied
    through), so restoring the function's in-place assignments in the pullback
    does not change what the caller got."""
    if isinstance(x, np.ndarray):
        return x.copy()
    if isinstance(x, list):
        return [copy_value(v) for v in x]
    if isinstance(x, dict):
        return {k: copy_value(v) for k, v in x.items()}
    if isinstance(x, tuple):
        items = [copy_value(v) for v in x]
        return type(x)(*items) if hasattr(x, "_fields") else tuple(items)
    return x


def suppressed(where):
    """Raised after a ``with`` block whose context manager suppressed an
    exception from its body: the body stopped part-way, and the compiled
    adjoint would reverse statements that never ran."""
    raise RuntimeError(
        "%s: the context manager of this with-block suppressed an exception raised in its "
        "body, so the body stopped part-way; compiled code cannot reverse that exactly. "
        "Let the exception propagate (or catch it with try/except inside the block), or use "
        "mode=\"tape\"" % where)
def key_order(keys, reverse=False):
    """The permutation ``sorted(items, key=..., reverse=...)`` applies, given
    the items' keys: indices, in Python's stable order.  Non-differentiable
    (it is integers); the compiler applies it to the items themselves."""
    keys = list(keys)
    return sorted(range(len(keys)), key=keys.__getitem__, reverse=bool(reverse))


def key_pick(keys, which):
    """The index ``min(items, key=...)`` (``which="min"``) or ``max`` picks,
    given the items' keys: the first extreme one, as Python's."""
    keys = list(keys)
    pick = min if which == "min" else max
    return pick(range(len(keys)), key=keys.__getitem__)


def zip_pulls(position, *lengths):
    """How many values ``zip`` takes from its argument at ``position`` when the
    others (in order, that one left out) have ``lengths``: it pulls its
    arguments left to right and stops at the first one that is exhausted, so
    the argument is pulled once more than the shortest other when all the
    arguments before it are longer.

    >>> zip_pulls(0, 2), zip_pulls(1, 2), zip_pulls(1, 3, 2), zip_pulls(1, 2, 3)
    (3, 2, 3, 2)
    """
    shortest = min(lengths)
    before = lengths[:position]
    return shortest + 1 if not before or min(before) > shortest else shortest



_COMPLEX_INPUTS = threading.local()


@contextlib.contextmanager
def complex_inputs(flag):
    """While a pullback runs for differentiated arguments of which one is
    complex (``flag``), :func:`real_only` refuses complex values."""
    before = getattr(_COMPLEX_INPUTS, "on", False)
    _COMPLEX_INPUTS.on = bool(flag)
    try:
        yield
    finally:
        _COMPLEX_INPUTS.on = before


def real_only(x, name):
    """``x`` itself, unless a complex differentiated argument is being
    differentiated and ``x`` is complex: for the few rules whose complex
    derivative srcgrad does not give (see docs/semantics.md, "Complex
    numbers"), refused, never computed with the real formula.  (A complex
    value between real arguments and a real result is fine: the real part is
    the gradient.)"""
    if getattr(_COMPLEX_INPUTS, "on", False) and np.iscomplexobj(x):
        raise NotImplementedError(
            "srcgrad: the gradient of %s is implemented for real inputs only; this one is "
            "complex (%s). Differentiate a real function of the real and imaginary parts "
            "(np.real(z), np.imag(z)) instead." % (name, np.asarray(x).dtype))
    return x



class Rebound(BaseException):
    """A module global that compiled code calls was rebound after compiling
    (``ACT = np.sin`` after compiling with ``ACT = np.tanh``): the caller
    (``srcgrad.grad`` / ``vjp``) drops the compiled versions and compiles
    again."""


def unchanged(value, was, name):
    """The guard at the top of compiled code for a callable reached through a
    name the user can rebind (``ACT``, ``mod.act``, a closure variable):
    ``was`` is ``(object, state)`` as compiled (``state``: a function's
    ``(__code__, __defaults__, __kwdefaults__)``, or ``None``); anything else
    raises :class:`Rebound`."""
    obj, state = was
    if value is not obj or state is not None and (
            value.__code__ is not state[0] or value.__defaults__ is not state[1] or
            value.__kwdefaults__ is not state[2]):
        raise Rebound("%r was rebound (or given new code) after srcgrad compiled code that "
                      "calls it: that code is dropped and compiled again" % name)
# ------------------------------------------------------------ complex numbers
# The convention (docs/semantics.md, "Complex numbers"): PyTorch's.  The
# cotangent of z = x + iy is dL/dx + i dL/dy; a holomorphic f's rule is
# ``g * conj(f'(z))``, a complex-linear map's is its conjugate transpose.


def conj(x):
    """The complex conjugate of ``x``; ``x`` itself, not a copy, when it is
    real (so rules written ``g * conj(f'(x))`` cost nothing on real values).

    >>> conj(2.0), conj(1 + 2j), conj(np.array([1 - 1j])).tolist()
    (2.0, (1-2j), [(1+1j)])
    """
    tx = type(x)
    if tx is float or tx is int:
        return x
    if tx is np.ndarray:
        return x.conj()              # the array itself when it is real
    if tx is complex:
        return x.conjugate()
    dtype = getattr(x, "dtype", None)
    if dtype is not None and hasattr(dtype, "is_complex"):  # a tape Tensor
        return np.conj(x) if dtype.is_complex else x
    return np.conj(x) if np.iscomplexobj(x) else x


def real_cotangent(g):
    """The cotangent of a real value given the cotangent ``g`` computed for
    it: its real part (an imaginary part would be the derivative along an
    imaginary direction the value cannot move in).

    >>> real_cotangent(1 + 2j), real_cotangent(3.0)
    (1.0, 3.0)
    """
    if type(g) is float:
        return g
    if type(g) is complex:
        return g.real
    dtype = getattr(g, "dtype", None)
    if dtype is not None and (getattr(dtype, "kind", None) == "c" or
                              getattr(dtype, "is_complex", False)):
        return np.real(g)
    return g


def is_complex(x):
    """Whether ``x`` (a number, an array or a tape Tensor) holds complex values."""
    if type(x) is complex:
        return True
    dtype = getattr(x, "dtype", None)
    if dtype is not None and hasattr(dtype, "is_complex"):
        return dtype.is_complex
    return np.iscomplexobj(x)


# ------------------------------------------------ forward mode (part: jvprules)
# Helpers for the JVP rule table (srcgrad/rules/jvp.py); moved at merge time.


def tangent_like(dt, ans):
    """The tangent ``dt`` (a sum of contributions that broadcasts to ``ans``)
    made the tangent of ``ans``: broadcast to its shape, cast to its dtype (a
    real output's tangent is real: its imaginary part is dropped); a Python
    number for a Python number, a fresh writable array for an array.  An
    integer or boolean ``ans`` gets float zeros (it does not move).

    >>> tangent_like(2.0, np.zeros((2, 1))).tolist()
    [[2.0], [2.0]]
    >>> tangent_like(1 + 2j, 3.0), tangent_like(1.0, 3j)
    (1.0, (1+0j))
    >>> tangent_like(np.ones(2, dtype=complex), np.zeros(2, dtype=np.float32)).dtype
    dtype('float32')
    """
    ta = type(ans)
    if ta is float or ta is int:
        return float(np.real(dt)) if ta is float else 0.0
    if ta is complex:
        return complex(dt)
    ans_dtype = getattr(ans, "dtype", None)
    shape = np.shape(ans)
    if ans_dtype is None:
        ans_dtype = np.asarray(ans).dtype
    kind = np.dtype(ans_dtype).kind
    if kind not in "fc":
        return np.zeros(shape) if shape or isinstance(ans, np.ndarray) else 0.0
    if kind == "f":
        dt = np.real(dt)
    out = np.asarray(dt, dtype=ans_dtype)
    if out.shape != shape:
        out = np.array(np.broadcast_to(out, shape))
    elif isinstance(ans, np.ndarray) and (out is dt or not out.flags.writeable):
        out = out.copy()
    if not isinstance(ans, np.ndarray):
        return out[()]        # a NumPy scalar for a NumPy scalar
    return out


# ------------------------------------------------------------------ forward mode
# (sg-forward: helpers the compiler's forward transform emits; the lead moves this block)

def tangents_like(dt, ans):
    """The tangent of a primitive's tuple (or list) output: per output,
    :func:`tangent_like` of its tangent, zeros where the rule gave ``None``
    (an integer output, or one that does not move), so every output the code
    unpacks holds a tangent.

    >>> tangents_like((None, np.ones(2)), (1, np.zeros(2)))
    (0.0, array([1., 1.]))
    """
    if isinstance(ans, (tuple, list)):
        parts = [tangents_like(None if dt is None else d, a) for d, a in zip(
            (None,) * len(ans) if dt is None else dt, ans)]
        if hasattr(ans, "_fields"):
            return type(ans)(*parts)
        return parts if isinstance(ans, list) else tuple(parts)
    if isinstance(ans, dict):
        return {k: tangents_like(None if dt is None else dt[k], v) for k, v in ans.items()}
    if isinstance(ans, (np.ndarray, np.generic, float, int, complex)):
        return tangent_like(0.0 if dt is None else dt, ans)
    return zeros_like(ans) if dt is None else dt   # a dict view, an object: as it is


class TangentError(BaseException):
    """An exception raised while computing a tangent inside a ``try`` body with
    ``except`` clauses, re-raised as a ``BaseException`` so that the user's
    handlers, which are there for the function's own exceptions, do not catch
    it (it would send the JVP down a path the function did not take)."""


class _TangentCode:
    """``with _rt.tangent_code:`` around tangent statements (see TangentError)."""

    def __enter__(self):
        return self

    def __exit__(self, tp, value, tb):
        if tp is not None and issubclass(tp, Exception):
            raise TangentError("srcgrad: computing a tangent failed inside a try statement "
                               "(%s: %s); forward mode does not hand that to the function's "
                               "except clauses" % (tp.__name__, value)) from value
        return False


tangent_code = _TangentCode()
