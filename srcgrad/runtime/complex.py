"""Complex numbers, by PyTorch's convention (docs/semantics.md, "Complex
numbers"): the cotangent of ``z = x + iy`` is ``dL/dx + i dL/dy``; a
holomorphic ``f``'s rule is ``g * conj(f'(z))``, a complex-linear map's is its
conjugate transpose, and a real value's cotangent is the real part of the one
computed for it.

Guarantees: :func:`conj` costs nothing on real values (it returns them);
:func:`real_only` refuses, never computes, a rule srcgrad gives for real
inputs only while a complex argument is being differentiated.
"""

import contextlib
import threading

import numpy as np


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


class _ComplexInputs(threading.local):
    """Per thread: whether a pullback runs for a complex differentiated argument."""
    on = False    # the default of every thread (no AttributeError to catch per read)


_COMPLEX_INPUTS = _ComplexInputs()


@contextlib.contextmanager
def complex_inputs(flag):
    """While a pullback runs for differentiated arguments of which one is
    complex (``flag``), :func:`real_only` refuses complex values."""
    before = _COMPLEX_INPUTS.on
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
    if _COMPLEX_INPUTS.on and np.iscomplexobj(x):
        raise NotImplementedError(
            "srcgrad: the gradient of %s is implemented for real inputs only; this one is "
            "complex (%s). Differentiate a real function of the real and imaginary parts "
            "(np.real(z), np.imag(z)) instead." % (name, np.asarray(x).dtype))
    return x
