"""Duck arrays: arrays of other libraries that implement NumPy's dispatch
protocols (``__array_function__`` and ``__array_ufunc__``), such as Dask and
CuPy arrays.  Generated code calls ``np.*`` functions and operators, which
these arrays take over, so it runs on them unchanged; the runtime helpers ask
:func:`is_duck` before any step that would turn a value into an ndarray
(``np.asarray``) and, for a duck array, take the dispatched path instead
(``np.zeros_like(x)`` rather than ``np.zeros(np.asarray(x).shape)``), so a
Dask graph is never computed behind the user's back.

Guarantees: :func:`is_duck` reads only the type and the ``shape``/``dtype``
attributes (never the values); :func:`known_shape` is ``None`` for a shape
with an unknown (nan) length, as Dask gives after boolean indexing.

>>> import numpy as np
>>> is_duck(np.ones(2)), is_duck(2.0), is_duck([1.0])
(False, False, False)
>>> class Lazy:                  # (a library's array type)
...     __module__ = "lazylib"
...     shape, dtype = (2,), np.dtype(float)
...     def __array_function__(self, func, types, args, kwargs): ...
...     def __array_ufunc__(self, ufunc, method, *args, **kwargs): ...
>>> is_duck(Lazy()), known_shape(Lazy())
(True, (2,))
"""

import linecache
import math
import os
import re
import sys

import numpy as np


def is_duck_type(tp):
    """Whether objects of type ``tp`` are duck arrays: not an ndarray (nor a
    NumPy scalar), with NumPy's ``__array_function__`` protocol.  (srcgrad's
    own types that define it, the tape's Tensor, are not duck arrays here.)"""
    return (not issubclass(tp, (np.ndarray, np.generic)) and
            hasattr(tp, "__array_function__") and hasattr(tp, "shape") and
            hasattr(tp, "dtype") and tp.__module__.split(".")[0] != "srcgrad")


def is_duck(x):
    """Whether ``x`` is a duck array (see :func:`is_duck_type`)."""
    return is_duck_type(type(x))


def known_shape(x):
    """The shape of a duck array as a tuple of ints, ``None`` when a length is
    not known before the graph runs (Dask's nan chunk sizes)."""
    try:
        shape = tuple(x.shape)
    except (TypeError, ValueError, AttributeError):
        return None
    for n in shape:
        if not isinstance(n, (int, np.integer)):   # nan: a length not known yet
            return None
    return tuple(int(n) for n in shape)


def array_size(x):
    """``np.size(x)`` for the rules (the divisor of ``mean``), without
    computing a duck array: NumPy's ``np.size`` is not one Dask implements, so
    Dask would compute the array to count it.  A Dask array of unknown
    length (nan) gets a lazy count.

    >>> array_size(np.ones((2, 3))), array_size(2.0)
    (6, 1)
    """
    if type(x) is np.ndarray:
        return x.size
    if is_duck(x):
        shape = known_shape(x)
        if shape is not None:
            return math.prod(shape)
        return np.sum(np.ones_like(x, dtype=np.int64))
    return np.size(x)


def reduced_count(x, axis=None):
    """How many entries of ``x`` each slice reduced over ``axis`` holds (the
    divisor of ``mean``/``var``), read from the shape: no array of ones is
    built, and a duck array is not computed.  A Dask array of unknown length
    (nan) gets a lazy count.

    >>> reduced_count(np.ones((2, 3)), 1), reduced_count(np.ones((2, 3)))
    (3, 6)
    """
    shape = known_shape(x) if is_duck(x) else np.shape(x)
    if shape is None:
        return np.sum(np.ones_like(x, dtype=np.int64), axis=axis, keepdims=True)
    if axis is None:
        return math.prod(shape)
    axes = (axis,) if np.ndim(axis) == 0 else tuple(axis)
    return math.prod(shape[i] for i in axes)


def as_array(x):
    """``np.asarray(x)`` for the rules, except that a duck array stays itself
    (``np.asarray`` would compute a Dask graph into memory).

    >>> as_array([1.0, 2.0]).tolist()
    [1.0, 2.0]
    """
    return x if is_duck(x) else np.asarray(x)


_USER_LINE = re.compile(r"\s*# (?:grad of |tangent of )?line (\d+)")


def user_line(depth=1):
    """``"FILE:LINE: "`` of the user's statement whose generated code is
    running (the innermost generated frame above the caller: its comment
    names the line; its globals are the user's module), or ``""`` outside
    generated code.  Lets a run-time refusal name the user's line."""
    frame = sys._getframe(depth)
    while frame is not None:
        name = frame.f_code.co_filename
        if name.startswith("<srcgrad>/") or \
                os.path.basename(os.path.dirname(name)).startswith("srcgrad-"):  # (dumped)
            lines = linecache.getlines(name)
            for k in range(min(frame.f_lineno, len(lines)) - 1, -1, -1):
                hit = _USER_LINE.match(lines[k])
                if hit:
                    return "%s:%s: " % (frame.f_globals.get("__file__", "<unknown>"),
                                        hit.group(1))
            return ""
        frame = frame.f_back
    return ""


def known_lengths(shape):
    """``shape``, refused (located at the user's line) when a length is not
    known before the graph runs (Dask's nan, after boolean indexing): a
    gradient broadcast to it would fail inside Dask at compute time.

    >>> known_lengths((2, 3))
    (2, 3)
    """
    for n in shape:
        if n != n:
            raise ValueError(
                "%ssrcgrad: the derivative needs an array of shape %s, whose length is unknown "
                "(nan: a Dask array after boolean indexing or another operation whose size "
                "depends on the values); call .compute_chunk_sizes() on that array before "
                "the gradient, or write np.where(mask, x, 0.0) instead of x[mask]. "
                "See docs/scaling.md" % (user_line(2), tuple(shape)))
    return shape


def duck_size(x):
    """The number of elements of a duck array (nan when a length is unknown)."""
    shape = known_shape(x)
    return math.prod(shape) if shape is not None else math.nan


#: Functions a duck library computes differently from NumPy, so NumPy's rule
#: (written for NumPy's result) would give the gradient of neither function:
#: (library, NumPy function name) -> what differs.  A new case is one row here
#: (the rules of every function named call :func:`numpy_semantics_only`).
NOT_AS_NUMPY = {
    ("dask", "linalg.cholesky"): "Dask's np.linalg.cholesky returns the upper factor, "
                                 "NumPy's the lower one",
}


def _numpy_name(fn):
    """``np.linalg.cholesky`` -> ``"linalg.cholesky"``."""
    module = getattr(fn, "__module__", None) or "numpy"
    name = getattr(fn, "__name__", str(fn))
    sub = module.split(".")[1:2]
    return ".".join([m for m in sub if m not in ("_core", "core", "lib")] + [name])


def numpy_semantics_only(x, fn):
    """``x`` (the result of ``fn``, a NumPy function), unless it is an array of
    a library listed in :data:`NOT_AS_NUMPY` for ``fn``: refused, never
    differentiated with NumPy's rule.

    >>> numpy_semantics_only(2.0, np.linalg.cholesky)
    2.0
    >>> _numpy_name(np.linalg.cholesky), _numpy_name(np.sum)
    ('linalg.cholesky', 'sum')
    """
    if not is_duck(x):
        return x
    library, name = type(x).__module__.split(".")[0], _numpy_name(fn)
    why = NOT_AS_NUMPY.get((library, name))
    if why is not None:
        raise NotImplementedError(
            "%ssrcgrad: the gradient of np.%s on a %s array is not given: %s, so NumPy's rule "
            "does not apply to the value computed. Compute this step on a NumPy array "
            "(x.compute()), or write the factorisation with operations the library "
            "implements as NumPy does. See docs/scaling.md." % (user_line(2), name, library, why))
    return x
