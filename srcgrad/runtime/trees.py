"""Cotangents of trees: numbers, arrays, lists, tuples, namedtuples, dicts
and user objects, nested.

:func:`zeros_like` makes a zero cotangent of the value's structure, :func:`add`
accumulates two (``None`` standing for no contribution), :func:`slots` and
:func:`filled` begin and finish the cotangent of a container a loop fills item
by item (srcgrad/compiler/transforms/tree_loops.py), :func:`to_kind` gives
a finished gradient its argument's kind (a Python float for a float, a fresh
writable ndarray for an array), and :func:`field_cotangent` /
:func:`container_cotangent` send a cotangent back through ``obj.name`` and
through ``list(x)`` / ``tuple(x)`` / ``dict(x)``.  A property's getter is
differentiated through :data:`GETTER_VJP`, a hook srcgrad.compiler.transforms.dynamic
installs (``runtime.trees.GETTER_VJP = ...``).

Guarantees: a cotangent has its value's structure, and a real value's
cotangent is real; nothing here changes the values or cotangents it is given
(:func:`copy_value` copies a returned value through).
"""

import numpy as np

from .broadcast import unbroadcast_shape
from .complex import real_cotangent
from .duck import is_duck
from .objects import map_fields, object_fields


def float_dtype(dtype):
    """The dtype a gradient of values of ``dtype`` has: floats and complex
    keep theirs, everything else becomes float64."""
    dtype = np.dtype(dtype)
    if dtype.kind in "fc":
        return dtype
    return np.dtype(np.float64)


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
    if is_duck(x):    # a Dask/CuPy array: zeros of its own type (and chunks), lazily
        return np.zeros_like(x, dtype=float_dtype(x.dtype))
    fields = object_fields(x)
    if fields is not None:
        return map_fields(x, fields, lambda k, v: zeros_like(v))
    a = np.asarray(x)
    if a.dtype == object:
        return 0.0
    return np.zeros(a.shape, dtype=float_dtype(a.dtype))


def slots(x):
    """An empty cotangent for a container a loop reads item by item: one
    ``None`` slot per item of a list or tuple (a list), ``{}`` for a dict,
    zeros for anything else.  The loop fills it in place (``add_at``);
    :func:`filled` finishes it.

    >>> slots([1.0, (2.0, 3.0)]), slots({"w": 1.0})
    ([None, None], {})
    """
    if isinstance(x, (list, tuple)):
        return [None] * len(x)
    if isinstance(x, dict):
        return {}
    return zeros_like(x)


def filled(g, x):
    """The cotangent :func:`slots` began, finished: a zero of its item's
    structure in every slot no item wrote, and the container's own type (a
    tuple or namedtuple for a tuple; a dict's keys in the dict's order).

    >>> filled([None, 2.0], (1.0, 1.0))
    (0.0, 2.0)
    >>> filled({"b": 1.0}, {"a": 3.0, "b": 4.0})
    {'a': 0.0, 'b': 1.0}
    """
    if isinstance(x, (list, tuple)) and isinstance(g, (list, tuple)) and len(g) == len(x):
        items = [zeros_like(v) if s is None else s for s, v in zip(g, x)]
        if isinstance(x, list):
            return items
        return type(x)(*items) if hasattr(x, "_fields") else tuple(items)
    if isinstance(x, dict) and isinstance(g, dict):
        return {k: zeros_like(v) if g.get(k) is None else g[k] for k, v in x.items()}
    return g


def ones_like_float(x):
    if is_duck(x):
        return np.ones_like(x, dtype=float_dtype(x.dtype))
    a = np.asarray(x)
    return np.ones(a.shape, dtype=float_dtype(a.dtype))


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
    if is_duck(x) or is_duck(g) and isinstance(x, _ARRAY_OR_NUMBER):
        return _duck_kind(g, x)
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
    if g is None:     # no contribution (an empty slot, see slots)
        return zeros_like(x) if isinstance(x, (list, tuple, dict)) else to_kind(0.0, x)
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


def _duck_kind(g, x):
    """:func:`to_kind` when the gradient or the argument is a duck array (a
    Dask array): the gradient is a duck array, lazy, with the argument's
    shape and float dtype; nothing is computed.  So a NumPy parameter's
    gradient through Dask data is a Dask array that computes to an ndarray of
    the parameter's shape (a Python float parameter's, to a 0-d array:
    ``float()`` of it would compute the graph); a Dask argument's gradient
    that does not depend on any lazy value is a Dask array too."""
    dtype = x.dtype if hasattr(x, "dtype") else np.result_type(x)   # complex for a complex
    want = float_dtype(dtype)
    if dtype.kind != "c":
        g = real_cotangent(g)
    shape = tuple(x.shape) if is_duck(x) else np.shape(x)
    if np.ndim(g) > len(shape) or np.ndim(g) == len(shape) and np.shape(g) != shape:
        g = unbroadcast_shape(g, shape)
    if is_duck(x) and not is_duck(g):   # a constant gradient of a lazy argument
        return np.zeros_like(x, dtype=want) + g
    if np.shape(g) != shape:   # (a Dask array's unknown lengths: broadcast lazily)
        g = g + np.zeros_like(x, dtype=want) if is_duck(x) else np.broadcast_to(g, shape)
    if g.dtype != want:
        g = g.astype(want)
    return g


#: the arguments whose gradient :func:`_duck_kind` gives from a duck array
#: (a list's goes through :func:`_sequence_parts`, item by item)
_ARRAY_OR_NUMBER = (float, int, complex, np.ndarray, np.generic)


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


#: ``GETTER_VJP(fget, obj, g)``: the cotangent of ``obj`` for ``g``, the
#: cotangent of ``fget(obj)`` (a property); installed by the compiler's
#: dynamic calls (srcgrad.compiler.transforms.dynamic), which runtime never imports.
GETTER_VJP = None


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
