"""What a call does to its arguments besides returning a value: its *effect*.

The one table of side effects both engines consult.  A call is

* ``pure``    -- it only returns a value (``np.sin(x)``, ``x.sum()``), possibly a
  *view* sharing memory with an argument (``x.reshape(...)``, ``x.T``: see
  :data:`VIEW_METHODS`, :data:`VIEW_FUNCTIONS`);
* ``inplace`` -- it writes into one of its arguments: ``np.copyto(dst, src)``,
  ``y.sort()``, ``L.reverse()``, any ufunc or reduction given ``out=`` (as a
  keyword, or positionally beyond a ufunc's inputs: ``np.arctan2(a, b, out)``),
  ``np.add.at(y, i, v)``, ``d.update(...)``.

A derivative rule describes the value a call returns; it says nothing about
what the call writes.  So an engine must never apply a rule to an ``inplace``
call whose arguments carry a gradient (it would treat a mutation as a pure
function): it models the mutation or refuses.

>>> import numpy as np
>>> call_effect(np.sin, 1, ()).kind, call_effect(np.sin, 2, ()).written
('pure', (1,))
>>> call_effect(np.cumsum, 1, ("out",)).written, call_effect(np.copyto, 2, ()).written
(('out',), (0,))
>>> method_effect("sort", ()).kind, method_effect("sum", ()).kind
('inplace', 'pure')
"""

import inspect

import numpy as np

__all__ = ["Effect", "call_effect", "method_effect", "WRITES_ARGUMENT", "INPLACE_METHODS",
           "OUT_KEYWORDS", "VIEW_METHODS", "VIEW_FUNCTIONS"]


class Effect:
    """``kind`` (``"pure"`` or ``"inplace"``) and ``written``: the positions
    (ints), keyword names (strs) or ``"self"`` (a method's receiver) the call
    writes into."""

    __slots__ = ("kind", "written")

    def __init__(self, written=()):
        self.written = tuple(written)
        self.kind = "inplace" if self.written else "pure"

    def __repr__(self):
        return "Effect(%s%s)" % (self.kind, ", %r" % (self.written,) if self.written else "")


#: NumPy functions that write into an argument: function -> (position, keyword name)
WRITES_ARGUMENT = {
    np.copyto: (0, "dst"),
    np.put: (0, "a"),
    np.fill_diagonal: (0, "a"),
    np.putmask: (0, "a"),
    np.place: (0, "arr"),
    np.put_along_axis: (0, "arr"),
    np.random.shuffle: (0, "x"),
}

#: keyword arguments through which a NumPy function writes its result into
#: an existing array
OUT_KEYWORDS = ("out",)

#: methods that change their receiver in place: ndarray (``sort``, ``fill``,
#: ``put``, ...), list, dict and set methods.  ``list.append`` is among them:
#: the compiler models it (see compiler/frontend/resolve.py); the others are refused
#: on values that carry a gradient.
INPLACE_METHODS = frozenset((
    # ndarray
    "sort", "fill", "put", "itemset", "resize", "partition", "setfield", "setflags",
    "byteswap", "__setitem__", "__iadd__", "__isub__", "__imul__", "__itruediv__",
    # list
    "append", "extend", "insert", "remove", "pop", "clear", "reverse",
    # dict and set
    "update", "popitem", "setdefault", "add", "discard", "difference_update",
    "intersection_update", "symmetric_difference_update",
))

#: methods and NumPy functions (by name) whose result is a *view*: it shares
#: memory with the receiver / first argument (the compiler's alias check
#: follows these)
VIEW_METHODS = frozenset(("reshape", "ravel", "transpose", "swapaxes", "squeeze", "view", "T"))
VIEW_FUNCTIONS = frozenset(("reshape", "ravel", "transpose", "swapaxes", "squeeze", "moveaxis",
                            "expand_dims", "atleast_1d", "atleast_2d", "broadcast_to"))

#: ufunc methods that write into their first argument
_UFUNC_INPLACE_METHODS = ("at",)


def _out_position(fn):
    """The position of ``fn``'s ``out`` parameter when it can be passed
    positionally (``np.cumsum(x, axis, dtype, out)``), else ``None``."""
    if isinstance(fn, np.ufunc):
        return fn.nin
    try:
        params = list(inspect.signature(fn).parameters.values())
    except (TypeError, ValueError):
        return None
    for i, p in enumerate(params):
        if p.name in OUT_KEYWORDS and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD):
            return i
        if p.kind in (p.VAR_POSITIONAL, p.KEYWORD_ONLY, p.VAR_KEYWORD):
            return None
    return None


def call_effect(fn, nargs, keywords):
    """The effect of calling ``fn`` with ``nargs`` positional arguments and
    the keyword names ``keywords``."""
    written = []
    known = WRITES_ARGUMENT.get(fn) if hashable(fn) else None
    if known is not None:
        pos, name = known
        written.append(pos if nargs > pos or name not in keywords else name)
    if isinstance(getattr(fn, "__self__", None), np.ufunc) and \
            getattr(fn, "__name__", None) in _UFUNC_INPLACE_METHODS:
        written.append(0)
    written += [k for k in keywords if k in OUT_KEYWORDS]
    if not any(isinstance(w, str) for w in written):
        pos = _out_position(fn) if _numpy_callable(fn) else None
        if pos is not None and nargs > pos:
            written += list(range(pos, nargs)) if isinstance(fn, np.ufunc) else [pos]
    return Effect(written)


def method_effect(name, keywords):
    """The effect of ``obj.name(..., **keywords)`` for an array, list, dict
    or set receiver (by name: the receiver's type is not always known)."""
    written = ["self"] if name in INPLACE_METHODS else []
    written += [k for k in keywords if k in OUT_KEYWORDS]
    return Effect(written)


def _numpy_callable(fn):
    mod = getattr(fn, "__module__", None) or ""
    return isinstance(fn, np.ufunc) or mod == "numpy" or mod.startswith("numpy.")


def hashable(obj):
    """Whether ``obj`` can be a dictionary key (an ndarray bound as a callee cannot)."""
    try:
        hash(obj)
        return True
    except TypeError:
        return False
