"""The seed of a fused gradient function (srcgrad/compiler/lower/fused.py):
the cotangent ``1.0`` of the function's scalar output, checked.

``grad(f)`` runs one generated function, forward then adjoint; the adjoint
starts from the output's cotangent, which is what :func:`seed` returns for the
output ``out`` (``1.0`` for a float; ones of the output's shape and float dtype
for a size-1 array or NumPy scalar).  An output that is not a real scalar
raises :class:`SeedError`, a ``TypeError`` that ``srcgrad.grad`` turns into its
message naming the user's function.  When only the gradient is returned, the
final full reduction ``np.sum(x)`` / ``np.mean(x)`` need not be computed:
:func:`reduced_seed` gives its seed from ``x``, and
:func:`seed_if_float64` that of ``np.sum(<elementwise expression>)`` from
the expression's operands.

>>> seed(2.5), reduced_seed(np.sum, np.ones(3))
(1.0, 1.0)
>>> seed(np.ones(2))
Traceback (most recent call last):
...
srcgrad.runtime.seeds.SeedError: grad requires a function with a real scalar output, not an array of shape (2,)
"""

import numbers

import numpy as np

from .duck import is_duck, duck_size
from .trees import float_dtype


class SeedError(TypeError):
    """The output of a function whose gradient was asked for is not a real
    scalar; ``out`` is that output."""

    def __init__(self, out):
        shape = np.shape(out) if isinstance(out, (np.ndarray, np.generic, numbers.Number)) \
            or is_duck(out) else None
        TypeError.__init__(self, "grad requires a function with a real scalar output, not %s"
                           % ("a %s" % type(out).__name__ if shape is None else
                              "an array of shape %s" % (shape,) if shape != () else
                              "a complex value"))
        self.out = out


def seed(out):
    """The cotangent that starts the adjoint of ``grad(f)``, whose output is ``out``."""
    if isinstance(out, float):    # float, np.float64
        return 1.0
    if is_duck(out):              # a lazy (Dask) or device (CuPy) scalar: stays one
        return duck_seed(out)
    if not isinstance(out, (np.ndarray, np.generic, numbers.Number)) or np.size(out) != 1 \
            or isinstance(out, complex) or np.iscomplexobj(out):
        raise SeedError(out)
    return np.ones_like(out, dtype=float_dtype(np.asarray(out).dtype))


def duck_seed(out):
    """The seed of a duck array output ``out`` (a 0-d Dask array: the value of
    a loss over chunked data), of its array type, so the adjoint it starts
    stays lazy; checked from its shape and dtype, never its value."""
    if duck_size(out) != 1 or out.dtype.kind not in "fiub":
        raise SeedError(out)
    return np.ones_like(out, dtype=float_dtype(out.dtype))


def seed_if_float64(*values):
    """``1.0`` if every value is a float64 array or a real Python number (then an
    elementwise real expression of them, reduced by ``np.sum`` / ``np.mean``,
    is a real float64 scalar, whose seed is ``1.0``), else ``None`` (then the
    caller computes the output and its :func:`seed`).

    >>> seed_if_float64(np.ones(2), 3), seed_if_float64(np.ones(2, np.float32))
    (1.0, None)
    """
    for v in values:
        t = type(v)
        if not (t is np.ndarray and v.dtype == np.float64 or t is float or t is int):
            return None
    return 1.0


def reduced_seed(reduce, x):
    """``seed(reduce(x))`` for ``reduce`` ``np.sum`` or ``np.mean`` over all of
    ``x``, without computing it when ``x`` is a float64 array (then the
    reduction is a real float64 scalar and its seed ``1.0``)."""
    if type(x) is np.ndarray and x.dtype == np.float64:
        return 1.0
    return seed(reduce(x))
