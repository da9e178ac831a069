"""The explicit forward-mode rules of SciPy primitives (see
:mod:`.jvp_scipy`), in a module of their own because it imports SciPy: it
is loaded when a SciPy primitive's JVPs are first derived, so SciPy is
loaded already.  No rule imports inside its body, so that generated JVP code
calling one can be differentiated again (second derivatives: the compiler
reads the rule like user code); a case a formula does not cover is a JVP by
transposition (:func:`.jvp.transposition`).
"""

import numpy as np
import scipy.linalg as sl
import scipy.special

from .jvp import DERIVED, transposition
from .jvp_explicit import _mT, cholesky_jvp, det_jvp, inv_jvp, reduced_tangent, solve_jvp_a
from .scipy_special import logsumexp_vjp_a

__all__ = ["EXPLICIT"]

_LOGSUMEXP_BY_TRANSPOSITION = transposition(scipy.special.logsumexp, 0)


def logsumexp_jvp_a(t, ans, a, axis=None, b=None, keepdims=False, return_sign=False):
    """The softmax weights (times ``b``) summed against ``t`` over ``axis``;
    with ``return_sign`` or a ``b`` that broadcasts ``a`` up, by transposition."""
    if return_sign or (b is not None and np.broadcast_shapes(np.shape(a), np.shape(b))
                       != np.shape(a)):
        return _LOGSUMEXP_BY_TRANSPOSITION(t, ans, a, axis=axis, b=b, keepdims=keepdims,
                                           return_sign=return_sign)
    c = logsumexp_vjp_a(np.ones(np.shape(ans)), ans, a, axis, b, keepdims, return_sign)
    return reduced_tangent(c, t, ans, axis, keepdims)


def softmax_jvp(t, ans, x, axis=None):
    return ans * (t - np.sum(ans * t, axis=axis, keepdims=True))


def log_softmax_jvp(t, ans, x, axis=None):
    return t - np.sum(np.exp(ans) * t, axis=axis, keepdims=True)


def linalg_inv_jvp(t, ans, a, check_finite=True):
    return inv_jvp(t, ans, a)


def linalg_det_jvp(t, ans, a, check_finite=True):
    return det_jvp(t, ans, a)


def linalg_cholesky_jvp(t, ans, a, lower=False, check_finite=True):
    """As np.linalg.cholesky's; SciPy's factor is upper unless lower=True."""
    return cholesky_jvp(t, ans, a, upper=not lower)


def expm_jvp(t, ans, A):
    """The Frechet derivative of expm at A in the direction t: the upper right
    block of ``expm([[A, t], [0, A]])``."""
    n = np.shape(A)[-1]
    A = np.asarray(A)
    t = np.broadcast_to(t, A.shape)
    zero = np.zeros(A.shape, dtype=np.result_type(A, t))
    block = np.concatenate([np.concatenate([A, t], -1), np.concatenate([zero, A], -1)], -2)
    return sl.expm(block)[..., :n, n:]


def sqrtm_jvp(t, ans, A):
    """``X = sqrtm(A)``, ``X dX + dX X = dA``: a Sylvester equation."""
    return sl.solve_sylvester(ans, ans, t)


def linalg_solve_jvp_a(t, ans, a, b, lower=False, check_finite=True, assume_a="gen"):
    """As np.linalg.solve's; a symmetric ``assume_a`` moves along the
    symmetric part of ``t`` (the VJP gives the symmetric gradient)."""
    if assume_a not in ("gen", "general", None):
        t = 0.5 * (t + _mT(t))
    return solve_jvp_a(t, ans, a, b)


def solve_triangular_jvp_a(t, ans, a, b, trans=0, lower=False, unit_diagonal=False,
                           check_finite=True):
    """``x = op(A)^-1 b``: ``dx = -op(A)^-1 op(dA) x``, ``dA`` read on the
    triangle SciPy reads (without the diagonal when ``unit_diagonal``)."""
    ta = np.tril(t) if lower else np.triu(t)
    if unit_diagonal:
        ta = ta - np.diag(np.diag(ta))
    if trans in (1, 2, "T", "C"):
        ta = _mT(ta)
    return -sl.solve_triangular(a, np.matmul(ta, ans), trans=trans, lower=lower,
                                unit_diagonal=unit_diagonal)


#: name -> tuple of explicit JVP rules (``DERIVED`` where the table derives one)
EXPLICIT = {
    "scipy.special.logsumexp": (logsumexp_jvp_a, None, DERIVED),
    "scipy.special.softmax": (softmax_jvp,),
    "scipy.special.log_softmax": (log_softmax_jvp,),
    "scipy.linalg.inv": (linalg_inv_jvp,),
    "scipy.linalg.det": (linalg_det_jvp,),
    "scipy.linalg.cholesky": (linalg_cholesky_jvp,),
    "scipy.linalg.solve": (linalg_solve_jvp_a, DERIVED),
    "scipy.linalg.solve_triangular": (solve_triangular_jvp_a, DERIVED),
    "scipy.linalg.expm": (expm_jvp,),
    "scipy.linalg.sqrtm": (sqrtm_jvp,),
}
