"""Explicit forward-mode rules: ``jvp(t, ans, *args, **params)``, the
contribution of argument ``t``'s tangent to the output's, for primitives
whose JVP is neither ``fn`` of the tangent (linear) nor the VJP read as a
diagonal (elementwise).  Standard formulas (``d inv = -inv dA inv``...).
"""

import numpy as np

from . import defvjp  # noqa: F401
from .jvp import defjvp
from .. import runtime  # noqa: F401

# ----------------------------------------------------------- linear algebra


def _eig_gaps(w):
    """``F_ij = 1 / (w_j - w_i)`` off the diagonal, 0 on it."""
    diff = w[..., None, :] - w[..., :, None]
    n = np.shape(w)[-1]
    eye = np.eye(n, dtype=bool)
    return np.where(eye, 0.0, 1.0 / np.where(eye, 1.0, diff))


def eig_jvp(t, ans, a):
    """``dw = diag(V^-1 dA V)``, ``dV = V (F o V^-1 dA V)`` with each column's
    norm kept 1 (NumPy's normalisation); the phase is left free, as eig's
    vectors are defined up to one."""
    w, v = ans
    p = np.linalg.solve(v, np.matmul(t, v))
    dw = np.diagonal(p, axis1=-2, axis2=-1)
    dv = np.matmul(v, _eig_gaps(w) * p)
    dv = dv - v * np.real(np.sum(np.conj(v) * dv, axis=-2, keepdims=True))
    return (dw, dv)


defjvp(np.linalg.eig, eig_jvp)
