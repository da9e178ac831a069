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

import math

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


def as_array(x):
    """``np.asarray(x)`` for the rules, except that a duck array stays itself
    (``np.asarray`` would compute a Dask graph into memory).

    >>> as_array([1.0, 2.0]).tolist()
    [1.0, 2.0]
    """
    return x if is_duck(x) else np.asarray(x)


def duck_size(x):
    """The number of elements of a duck array (nan when a length is unknown)."""
    shape = known_shape(x)
    return math.prod(shape) if shape is not None else math.nan


def numpy_semantics_only(x, name, why):
    """``x`` itself, unless it is a duck array: for a rule of a function the
    duck library computes differently from NumPy (``why``), so the rule --
    written for NumPy's result -- would give the gradient of neither
    function.  Refused, never computed."""
    if is_duck(x):
        raise NotImplementedError(
            "srcgrad: the gradient of %s on a %s array is not given: %s, so NumPy's rule "
            "does not apply to the value computed. Compute this step on a NumPy array "
            "(x.compute()), or write the factorisation with operations the library "
            "implements as NumPy does. See docs/scaling.md." % (
                name, type(x).__module__.split(".")[0], why))
    return x

