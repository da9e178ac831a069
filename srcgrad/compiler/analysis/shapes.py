"""Shape inference for specialised gradients.

A gradient is compiled per *signature* of its arguments (numbers, and arrays
with their shapes), like a JIT.  :func:`infer_shapes` propagates those shapes
through the A-normal-form operations it understands (broadcasting ufuncs,
matmul/dot, reductions, transposes, basic indexing, reshapes, constructors)
as an optimistic fixpoint, so loop-carried values keep their shapes.  A name
gets a shape only when every assignment to it agrees; anything else is
unknown, and the generated code then falls back to run-time checks.

The reverse pass uses the shapes to drop ``unbroadcast`` where nothing was
broadcast, to sum a broadcast cotangent with a literal ``axis=``, and to fold
``np.shape``/``np.size`` into constants.

>>> import gast, numpy as np
>>> from ..frontend.anf import to_anf
>>> from ..ir.ops import classify
>>> fn = to_anf(gast.parse("def f(W, x, b):\\n    return np.tanh(W @ x + b)").body[0])
>>> ops = [classify(s, lambda n: np.tanh if getattr(n, "attr", "") == "tanh" else None)
...        for s in fn.body]
>>> infer_shapes(ops, {"W": (3, 4), "x": (4,), "b": (3,)})["_t2"]
(3,)
"""

import builtins
import operator

import gast
import numpy as np

__all__ = ["infer_shapes", "sum_axes", "TOP", "call_rank", "index_rank"]

TOP = object()   # not known yet (the optimistic start)

_REDUCTIONS = (np.sum, np.mean, np.prod, np.max, np.min, np.amax, np.amin, np.var, np.std)


def infer_shapes(ops, known):
    """``{name: shape}`` for the names whose shape is certain, given the
    shapes ``known`` of the arguments (``()`` for numbers)."""
    from .activity import targets_of
    shapes = dict(known)
    assigned = {}
    for op in ops:
        if not op.nosave and op.kind not in ("setitem", "append"):
            for t in targets_of(op):
                assigned.setdefault(t, []).append(op)
    mutated = {op.target.id for op in ops if op.kind == "append"}  # y[i] = v keeps y's shape
    for t in assigned:
        if t not in shapes:
            shapes[t] = TOP
    for _ in range(2 * len(assigned) + 2):
        changed = False
        for t, defs in assigned.items():
            if t not in shapes:
                continue
            results = {_shape_of_op(op, shapes) for op in defs}
            if t in known:
                results.add(known[t])
            results.discard(TOP)
            new = TOP if not results else (results.pop() if len(results) == 1 else None)
            if new is None:
                del shapes[t]
                changed = True
            elif shapes.get(t) != new:
                shapes[t] = new
                changed = True
        if not changed:
            break
    return {t: s for t, s in shapes.items() if s is not TOP and (t not in mutated or t in known)}


def _atom_shape(node, shapes):
    if isinstance(node, gast.Constant):
        if isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
            return ()
        return None
    if isinstance(node, gast.Name):
        return shapes.get(node.id)
    return None


def _shape_of_op(op, shapes):
    try:
        return _shape(op, shapes)
    except (ValueError, TypeError, IndexError):
        return None


def _shape(op, shapes):
    if op.kind == "copy":
        return _atom_shape(op.args[0], shapes)
    if op.kind == "const":
        return _atom_shape(op.stmt.value, shapes)
    if op.kind != "prim" or op.kwargs and op.prim not in _REDUCTIONS:
        return None
    fn = op.prim
    if getattr(fn, "__module__", None) == "math":
        return ()
    if fn in (np.zeros, np.ones, np.empty):
        return _literal_shape(op.args[0]) if op.args else None
    args = [_atom_shape(a, shapes) for a in op.args]
    if fn is operator.getitem:
        base = args[0]
        if base is TOP:
            return TOP
        return None if base is None else _index_shape(base, op.args[1], shapes)
    if any(a is TOP for a in args):
        return TOP
    if fn in (np.matmul, np.dot) and len(args) == 2 and None not in args:
        return _matmul_shape(*args, dot=fn is np.dot)
    if fn in _REDUCTIONS:
        return _reduce_shape(args[0], op)
    if fn in (np.copy, np.zeros_like, np.ones_like, np.empty_like, np.asarray, np.array) \
            and len(args) == 1 and args[0] is not None:
        return args[0]
    if fn is np.transpose and len(args) == 1 and args[0] is not None:
        return tuple(reversed(args[0]))
    if isinstance(fn, np.ufunc) and fn.nout == 1 and args and None not in args:
        return tuple(np.broadcast_shapes(*args))
    return None


def _literal_shape(node):
    if isinstance(node, gast.Constant) and isinstance(node.value, int):
        return (node.value,)
    if isinstance(node, gast.Tuple) and all(isinstance(e, gast.Constant) and
                                            isinstance(e.value, int) for e in node.elts):
        return tuple(e.value for e in node.elts)
    return None


def _matmul_shape(a, b, dot=False):
    if not a or not b:
        return None if not dot else tuple(np.broadcast_shapes(a, b))
    if len(a) == 1 and len(b) == 1:
        return () if a == b else None
    if len(a) == 1:
        return b[:-2] + b[-1:] if a[0] == b[-2] else None
    if len(b) == 1:
        return a[:-1] if a[-1] == b[0] else None
    if a[-1] != b[-2]:
        return None
    if dot:
        return a[:-1] + b[:-2] + b[-1:]
    return tuple(np.broadcast_shapes(a[:-2], b[:-2])) + (a[-2], b[-1])


def _reduce_shape(shape, op):
    if shape is None:
        return None
    if len(op.args) > 1:
        return None
    axis = op.kwargs.get("axis")
    keep = op.kwargs.get("keepdims")
    keepdims = False
    if keep is not None:
        if not isinstance(keep, gast.Constant):
            return None
        keepdims = bool(keep.value)
    if axis is None:
        return tuple(1 for _ in shape) if keepdims else ()
    if isinstance(axis, gast.Constant) and isinstance(axis.value, int):
        axes = (axis.value,)
    elif isinstance(axis, gast.Tuple) and all(isinstance(e, gast.Constant) for e in axis.elts):
        axes = tuple(e.value for e in axis.elts)
    else:
        return None
    if set(op.kwargs) - {"axis", "keepdims"}:
        return None
    axes = {a % len(shape) for a in axes}
    return tuple((1 if i in axes else n) for i, n in enumerate(shape)
                 if keepdims or i not in axes)


def _index_shape(shape, index, shapes):
    """The shape of ``a[index]`` for basic indices built of constants, names
    holding integers (their value does not change the shape) and slices of
    constants."""
    parts = index.elts if isinstance(index, gast.Tuple) else [index]
    probe = []
    for p in parts:
        if isinstance(p, gast.Call) and isinstance(p.func, gast.Name) and p.func.id == "slice":
            bounds = []
            for b in p.args:
                if isinstance(b, gast.Constant) and (b.value is None or isinstance(b.value, int)):
                    bounds.append(b.value)
                else:
                    return None
            probe.append(slice(*bounds))
        elif isinstance(p, gast.Constant) and (p.value is None or p.value is Ellipsis or
                                               isinstance(p.value, int)):
            probe.append(p.value)
        elif isinstance(p, gast.Name) and shapes.get(p.id) == () and p.id in shapes:
            probe.append(0)   # an integer: any value gives the same shape
        else:
            return None
    view = np.lib.stride_tricks.as_strided(np.zeros(1), shape, (0,) * len(shape))
    return view[tuple(probe)].shape


# ------------------------------------------------------------------ ranks
#
# The one model of what NumPy calls do to ranks (ndim), read by the rank
# inference of facts.py and by the alias check (alias.py).  Each answer is
# certain or ``None``: an analysis may build on a rank it is given (drop an
# ``unbroadcast``, treat a value as a number that cannot share memory).

#: a number whatever the arguments
_NUMBER_FNS = (float, int, len, np.vdot)
#: a number for numbers (``abs(v)``, ``pow`` are elementwise over arrays; ``max(v)``
#: iterates over ``v``)
_ELEMENTWISE_BUILTINS = (abs, builtins.round, builtins.pow, builtins.max, builtins.min)
#: a number when called with one argument and no keywords (a full reduction)
_FULL_REDUCTIONS = _REDUCTIONS + (np.linalg.norm,)
#: a number for one matrix; a stack of matrices gives an array
_MATRIX_REDUCTIONS = (np.trace, np.linalg.det)
#: the rank of the first argument (a copy, or an array shaped like it)
_RANK_KEEPING = (np.zeros_like, np.ones_like, np.empty_like, np.full_like, np.copy, np.array,
                 np.asarray)
_KEEPING_KEYWORDS = {"dtype", "order", "copy", "subok"}


def call_rank(fn, args, keywords, rank_of):
    """The rank of ``fn(*args, **keywords)``, or ``None`` when it is not
    certain; ``rank_of`` gives an argument's rank (``None`` if unknown),
    ``keywords`` are the keyword names.

    >>> ranks = {"v": 1, "M": 2, "n": 0}
    >>> rank_of = lambda node: ranks.get(getattr(node, "id", None))
    >>> names = lambda *ns: [gast.Name(id=n, ctx=gast.Load(), annotation=None,
    ...                                type_comment=None) for n in ns]
    >>> [call_rank(fn, names(*ns), (), rank_of) for fn, ns in [
    ...     (np.sum, "M"), (np.tanh, "v"), (np.matmul, "Mv"), (abs, "v"), (abs, "n"),
    ...     (np.trace, "M"), (np.zeros_like, "M"), (len, "v")]]
    [0, 1, 1, 1, 0, 0, 2, 0]
    """
    if getattr(fn, "__module__", None) == "math" or fn in _NUMBER_FNS:
        return 0
    ranks = [rank_of(a) for a in args]
    if fn in _ELEMENTWISE_BUILTINS and not keywords:
        if ranks and all(r == 0 for r in ranks):
            return 0
        return max(ranks) if fn in (abs, builtins.pow) and None not in ranks else None
    if fn in _FULL_REDUCTIONS and len(args) == 1 and not keywords:
        return 0
    if fn in _MATRIX_REDUCTIONS and len(args) == 1 and not keywords:
        return 0 if ranks[0] == 2 else None
    if fn in (np.matmul, np.dot) and len(args) == 2 and not keywords and None not in ranks:
        a, b = ranks
        return a + b - 2 if a in (1, 2) and b in (1, 2) else None
    if fn is np.transpose and len(args) == 1 and not keywords:
        return ranks[0]
    if fn in _RANK_KEEPING and args and len(args) <= (3 if fn is np.full_like else 2) and \
            set(keywords) <= _KEEPING_KEYWORDS:
        return ranks[0]
    if fn in (np.zeros, np.ones, np.empty, np.full) and args:
        shape = args[0]   # a literal: its length is the rank, whatever its items
        if isinstance(shape, gast.Tuple):
            return len(shape.elts)
        return 1 if isinstance(shape, gast.Constant) and type(shape.value) is int else None
    if fn is operator.getitem and len(args) == 2 and ranks[0] is not None:
        return index_rank(ranks[0], args[1], rank_of)
    if isinstance(fn, np.ufunc) and fn.nout == 1 and args and not keywords and \
            None not in ranks:
        return max(ranks)
    return None


def index_rank(rank, index, rank_of):
    """The rank of ``a[index]`` for ``a`` of rank ``rank`` under basic
    indexing, or ``None``.  A part of the index is an integer (an ``int``
    literal, ``-k``, or an atom of rank 0 by ``rank_of``), a slice (``1:``, or
    ``slice(...)`` as the A-normal form writes it), ``None`` (a new axis) or
    ``...``.  So a basic slice keeps its base's rank (``a[::-1]``,
    ``m[1:, :2]``) and an element of a vector is a number; anything else (an
    array of indices, a name of unknown rank) is ``None``.

    >>> part = lambda src: gast.parse("a[%s]" % src).body[0].value.slice
    >>> [index_rank(2, part(s), lambda node: None)
    ...  for s in ("1:, :2", "0", "0, 1", "None", "...", "-1", "i", "0, 0, 0")]
    [2, 1, 0, 3, 2, 1, None, None]
    """
    parts = index.elts if isinstance(index, gast.Tuple) else [index]
    ints = nones = slices = 0
    for p in parts:
        if isinstance(p, gast.Slice) or isinstance(p, gast.Call) and \
                isinstance(p.func, gast.Name) and p.func.id == "slice":
            slices += 1
        elif isinstance(p, gast.Constant) and p.value is None:
            nones += 1
        elif isinstance(p, gast.Constant) and p.value is Ellipsis:
            continue
        elif _integer(p, rank_of):
            ints += 1
        else:
            return None
    if ints + slices > rank:
        return None
    return rank - ints + nones


def _integer(node, rank_of):
    """An integer index: an ``int`` literal, ``-k``, or an atom of rank 0."""
    if isinstance(node, gast.UnaryOp) and isinstance(node.op, gast.USub):
        node = node.operand
    if isinstance(node, gast.Constant):
        return type(node.value) is int
    return rank_of(node) == 0


def sum_axes(gshape, xshape):
    """The axes to sum a cotangent of shape ``gshape`` over to get
    ``xshape`` (undoing broadcasting), or ``None`` when it is not a
    broadcast."""
    lead = len(gshape) - len(xshape)
    if lead < 0:
        return None
    axes = list(range(lead))
    for i, (n, m) in enumerate(zip(xshape, gshape[lead:])):
        if n == 1 and m != 1:
            axes.append(lead + i)
        elif n != m:
            return None
    return tuple(axes)
