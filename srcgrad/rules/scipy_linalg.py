"""Rules for ``scipy.linalg`` (SciPy is an optional extra).

``inv``, ``det`` and ``solve`` use NumPy's rules (same functions, fewer
options: ``overwrite_a``/``overwrite_b`` and ``transposed`` are not taken, so
a call using them is refused); ``cholesky`` is upper-triangular by default,
as SciPy's is.  ``solve_triangular``, ``expm`` and ``sqrtm`` have rules of
their own.  Gradients wrt a matrix that SciPy reads one triangle of
(``cholesky``, ``solve(assume_a="pos")``) are the symmetric ones, as NumPy's
``cholesky`` and ``eigh``.  ``cho_factor`` / ``cho_solve`` have no rules (the
factor's unused triangle holds leftover data): refused.
"""

import numpy as np
import scipy.linalg as sl

from . import defvjp
from .linalg import cholesky_vjp, det_vjp, inv_vjp, solve_vjp_a, solve_vjp_b


def _mT(x):
    return np.swapaxes(x, -1, -2)


def _def(fn, *rules):
    defvjp(fn, *rules, name="scipy.linalg." + fn.__name__)


def linalg_inv_vjp(g, ans, a, check_finite=True):
    """As np.linalg.inv: -A^-T g A^-T."""
    return inv_vjp(g, ans, a)


def linalg_det_vjp(g, ans, a, check_finite=True):
    return det_vjp(g, ans, a)


def _sym_if(ga, assume_a):
    if assume_a in ("gen", "general", None):
        return ga
    return 0.5 * (ga + _mT(ga))


def linalg_solve_vjp_a(g, ans, a, b, lower=False, check_finite=True, assume_a="gen"):
    """As np.linalg.solve (symmetric when assume_a says a is symmetric)."""
    return _sym_if(solve_vjp_a(g, ans, a, b), assume_a)


def linalg_solve_vjp_b(g, ans, a, b, lower=False, check_finite=True, assume_a="gen"):
    return solve_vjp_b(g, ans, a, b)


def linalg_cholesky_vjp(g, ans, a, lower=False, check_finite=True):
    """As np.linalg.cholesky; SciPy's factor is upper unless lower=True."""
    return cholesky_vjp(g, ans, a, upper=not lower)


_def(sl.inv, linalg_inv_vjp)
_def(sl.det, linalg_det_vjp)
_def(sl.solve, linalg_solve_vjp_a, linalg_solve_vjp_b)
_def(sl.cholesky, linalg_cholesky_vjp)

# ------------------------------------------------------- triangular solves

def _transposed(trans):
    return trans in (1, 2, "T", "C")


def _triangular_gb(g, a, trans, lower, unit_diagonal):
    return sl.solve_triangular(a, g, trans=0 if _transposed(trans) else 1, lower=lower,
                               unit_diagonal=unit_diagonal)


def solve_triangular_vjp_a(g, ans, a, b, trans=0, lower=False, unit_diagonal=False,
                           check_finite=True):
    """x = op(A)^-1 b: -op(A)^-T g x^T (transposed back when trans), kept on
    the triangle SciPy reads (without the diagonal when unit_diagonal)."""
    gb = _triangular_gb(g, a, trans, lower, unit_diagonal)
    x = np.asarray(ans)
    ga = -(np.outer(gb, x) if x.ndim == 1 else gb @ _mT(x))
    if _transposed(trans):
        ga = _mT(ga)
    ga = np.tril(ga) if lower else np.triu(ga)
    if unit_diagonal:
        ga = ga - np.diag(np.diag(ga))
    return ga


def solve_triangular_vjp_b(g, ans, a, b, trans=0, lower=False, unit_diagonal=False,
                           check_finite=True):
    return _triangular_gb(g, a, trans, lower, unit_diagonal)


_def(sl.solve_triangular, solve_triangular_vjp_a, solve_triangular_vjp_b)

# ------------------------------------------------------- matrix functions

def expm_vjp(g, ans, A):
    """The Frechet derivative of expm at A^T in the direction g: the upper
    right block of expm([[A^T, g], [0, A^T]])."""
    at = _mT(np.asarray(A, dtype=float))
    n = at.shape[-1]
    big = np.zeros(at.shape[:-2] + (2 * n, 2 * n))
    big[..., :n, :n] = at
    big[..., n:, n:] = at
    big[..., :n, n:] = g
    return sl.expm(big)[..., :n, n:]


def sqrtm_vjp(g, ans, A):
    """X = sqrtm(A), X X = A: the cotangent S solves X^T S + S X^T = g."""
    xt = _mT(np.real(ans))
    return sl.solve_sylvester(xt, xt, g)


_def(sl.expm, expm_vjp)
_def(sl.sqrtm, sqrtm_vjp)
