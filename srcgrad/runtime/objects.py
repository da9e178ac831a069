"""Objects of user classes seen as trees: their own attributes are the
fields that carry gradients.

Guarantees: :func:`object_fields` says ``None`` for anything that is not a
user object (numbers, arrays, containers, functions, modules, classes, library
objects); :func:`map_fields` and :func:`rebuild_object` build a new object and
never change the one they are given (frozen dataclasses too), and stop at a
field that refers back to an object being mapped.
"""

import threading

import numpy as np

from .broadcast import _PLAIN
from .closures import Closure
from .duck import is_duck_type


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
            (getattr(tp, "__module__", None) or "builtins").split(".")[0] in _NOT_OBJECTS \
            or is_duck_type(tp):    # a Dask/CuPy array is an array, not a user object
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
    if isinstance(v, np.ndarray) or is_duck_type(type(v)):
        return v.dtype.kind in "fc"
    if isinstance(v, (list, tuple, dict)):
        return True
    return object_fields(v) is not None
