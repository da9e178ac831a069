"""Rules for ``scipy.signal.convolve`` and ``correlate`` (SciPy is an optional
extra), n-dimensional, in every mode (``full``, ``valid``, ``same``).

Every mode is a centred slice of the full convolution (SciPy's
``_centered``), so a rule pads ``g`` back to the full shape and applies the
full convolution's adjoint: correlation with the other operand, conjugated
(the project's complex convention: a complex-linear map's VJP is its
conjugate transpose).  ``method`` only changes how SciPy computes the value.
"""

import numpy as np
import scipy.signal as ss

from . import defvjp


def _flip(x):
    x = np.asarray(x)
    return x[(slice(None, None, -1),) * x.ndim]


def _full_cotangent(g, in1, in2):
    """``g`` placed where its mode's output sits inside the full convolution."""
    g = np.asarray(g)
    full = tuple(a + b - 1 for a, b in zip(np.shape(in1), np.shape(in2)))
    if g.shape == full:
        return g
    out = np.zeros(full, dtype=g.dtype)
    start = [(f - s) // 2 for f, s in zip(full, g.shape)]
    out[tuple(slice(a, a + s) for a, s in zip(start, g.shape))] = g
    return out


def convolve_vjp_in1(g, ans, in1, in2, mode="full", method="auto"):
    """The full cotangent correlated with in2: convolve(g_full, flip(conj(in2)), "valid")."""
    gf = _full_cotangent(g, in1, in2)
    return ss.convolve(gf, _flip(np.conj(in2)), mode="valid")


def convolve_vjp_in2(g, ans, in1, in2, mode="full", method="auto"):
    gf = _full_cotangent(g, in1, in2)
    return ss.convolve(gf, _flip(np.conj(in1)), mode="valid")


def correlate_vjp_in1(g, ans, in1, in2, mode="full", method="auto"):
    """correlate(a, b) = convolve(a, flip(conj(b))): convolve(g_full, b, "valid")."""
    gf = _full_cotangent(g, in1, in2)
    return ss.convolve(gf, in2, mode="valid")


def correlate_vjp_in2(g, ans, in1, in2, mode="full", method="auto"):
    gf = _full_cotangent(g, in1, in2)
    return _flip(np.conj(ss.convolve(gf, _flip(np.conj(in1)), mode="valid")))


defvjp(ss.convolve, convolve_vjp_in1, convolve_vjp_in2, name="scipy.signal.convolve")
defvjp(ss.correlate, correlate_vjp_in1, correlate_vjp_in2, name="scipy.signal.correlate")
