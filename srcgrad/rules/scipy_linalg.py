"""Rules for ``scipy.linalg`` (SciPy is an optional extra).

``inv``, ``det`` and ``solve`` use NumPy's rules (same functions, fewer
options: ``overwrite_a``/``overwrite_b`` and ``transposed`` are not taken, so
a call using them is refused); ``cholesky`` is upper-triangular by default,
as SciPy's is.  ``solve_triangular``, ``expm`` and ``sqrtm`` have rules of
their own.  Gradients wrt a matrix that SciPy reads one triangle of
(``cholesky``, ``solve(assume_a="pos")``) are the symmetric ones, as NumPy's
``cholesky`` and ``eigh``.  ``cho_factor`` returns the factor with the other
triangle of ``a`` left in place (LAPACK's ``potrf`` does not touch it), and
its rule says so: that triangle's cotangent passes straight to ``a``'s.
``lu_factor``/``lu_solve``, ``lu``, ``solve_banded`` and ``solve_sylvester``
have rules too; pivots are integers (no gradient).
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

# ------------------------------------------------------ Sylvester, banded

def solve_sylvester_vjp_a(g, ans, a, b, q):
    """X solves A X + X B = Q; Y solves A^T Y + Y B^T = g: -Y X^T."""
    y = sl.solve_sylvester(_mT(a), _mT(b), g)
    return -y @ _mT(ans)


def solve_sylvester_vjp_b(g, ans, a, b, q):
    y = sl.solve_sylvester(_mT(a), _mT(b), g)
    return -_mT(ans) @ y


def solve_sylvester_vjp_q(g, ans, a, b, q):
    return sl.solve_sylvester(_mT(a), _mT(b), g)


_def(sl.solve_sylvester, solve_sylvester_vjp_a, solve_sylvester_vjp_b, solve_sylvester_vjp_q)


def _band(l_and_u, n):
    """Row and column indices in the full matrix of each entry of the band
    storage ``ab[u + i - j, j] = A[i, j]``, and the mask of those in range."""
    lo, up = l_and_u
    r, j = np.meshgrid(np.arange(lo + up + 1), np.arange(n), indexing="ij")
    i = r + j - up
    return i, j, (i >= 0) & (i < n)


def _banded_full(l_and_u, ab):
    ab = np.asarray(ab, dtype=float)
    n = ab.shape[1]
    i, j, ok = _band(l_and_u, n)
    full = np.zeros((n, n))
    full[i[ok], j[ok]] = ab[ok]
    return full


def solve_banded_vjp_ab(g, ans, l_and_u, ab, b, overwrite_ab=False, overwrite_b=False,
                        check_finite=True):
    """As solve's, -A^-T g x^T, read back into band storage."""
    full = _banded_full(l_and_u, ab)
    gb = np.linalg.solve(full.T, g)
    x = np.asarray(ans)
    ga = -(np.outer(gb, x) if x.ndim == 1 else gb @ x.T)
    i, j, ok = _band(l_and_u, full.shape[0])
    out = np.zeros(np.shape(ab))
    out[ok] = ga[i[ok], j[ok]]
    return out


def solve_banded_vjp_b(g, ans, l_and_u, ab, b, overwrite_ab=False, overwrite_b=False,
                       check_finite=True):
    return np.linalg.solve(_banded_full(l_and_u, ab).T, g)


_def(sl.solve_banded, None, solve_banded_vjp_ab, solve_banded_vjp_b)

# --------------------------------------------------------------- LU

def _lu_parts(lu):
    n = lu.shape[-1]
    return np.tril(lu, -1) + np.eye(n), np.triu(lu)


def _lu_grad(gl, gu, p, lo, up):
    """A = P L U (L unit lower, U upper): the cotangent of A from those of L
    and U, P L^-T (tril_-1(L^T gL) + triu(gU U^T)) U^-T."""
    f = np.tril(_mT(lo) @ gl, -1) + np.triu(gu @ _mT(up))
    f = sl.solve_triangular(lo, f, trans=1, lower=True, unit_diagonal=True)
    f = _mT(sl.solve_triangular(up, _mT(f), trans=0, lower=False))
    return p @ f


def _perm_of(piv):
    """The permutation matrix P of LAPACK's pivots: A = P L U."""
    perm = np.arange(len(piv))
    for i, k in enumerate(piv):
        perm[[i, k]] = perm[[k, i]]
    return np.eye(len(piv))[perm].T


def lu_vjp(g, ans, a, permute_l=False, overwrite_a=False, check_finite=True, p_indices=False):
    """Square A = P L U; with permute_l, A = (P L) U."""
    if permute_l:
        pl, up = ans
        gpl, gu = g
        p, lo, _ = sl.lu(a)
        return _lu_grad(_mT(p) @ gpl, gu, p, lo, up)
    p, lo, up = ans
    if p_indices:
        p = np.eye(len(p))[:, p].T
    return _lu_grad(g[1], g[2], p, lo, up)


def lu_factor_vjp(g, ans, a, overwrite_a=False, check_finite=True):
    """lu holds L (strictly lower, unit diagonal implied) and U; piv has no gradient."""
    lu, piv = ans
    lo, up = _lu_parts(lu)
    glu = g[0]
    return _lu_grad(np.tril(glu, -1), np.triu(glu), _perm_of(piv), lo, up)


def lu_solve_vjp_factors(g, ans, lu_and_piv, b, trans=0, overwrite_b=False,
                         check_finite=True):
    """x = A^-1 b, A = P L U: -A^-T g x^T carried back to L's and U's entries
    of ``lu``; a tuple (cotangent of lu, None for the pivots)."""
    lu, piv = lu_and_piv
    gb = sl.lu_solve(lu_and_piv, g, trans=1 if trans == 0 else 0)
    x = np.asarray(ans)
    ga = -(np.outer(gb, x) if x.ndim == 1 else gb @ _mT(x))
    if trans not in (0, "N"):
        ga = _mT(ga)
    lo, up = _lu_parts(lu)
    pt_ga = _mT(_perm_of(piv)) @ ga
    return (np.tril(pt_ga @ _mT(up), -1) + np.triu(_mT(lo) @ pt_ga), None)


def lu_solve_vjp_b(g, ans, lu_and_piv, b, trans=0, overwrite_b=False, check_finite=True):
    return sl.lu_solve(lu_and_piv, g, trans=1 if trans == 0 else 0)


_def(sl.lu, lu_vjp)
_def(sl.lu_factor, lu_factor_vjp)
_def(sl.lu_solve, lu_solve_vjp_factors, lu_solve_vjp_b)

# --------------------------------------------------------------- Cholesky pair

def cho_factor_vjp(g, ans, a, lower=False, overwrite_a=False, check_finite=True):
    """The factor's triangle: cholesky's (symmetric) rule; the other
    triangle is a's own entries, left in place: its cotangent passes through."""
    c, low = ans
    gc = g[0]
    tri = np.tril if low else np.triu
    other = np.triu if low else np.tril
    factor = tri(c)
    ga = linalg_cholesky_vjp(tri(gc), factor, a, lower=low)
    return ga + other(gc, 1 if low else -1)


def cho_solve_vjp_factor(g, ans, c_and_lower, b, overwrite_b=False, check_finite=True):
    """x = (L L^T)^-1 b: the cotangent of the factor's triangle; (it, None)."""
    c, low = c_and_lower
    gb = sl.cho_solve(c_and_lower, g)
    x = np.asarray(ans)
    gx = (np.outer(gb, x) if x.ndim == 1 else gb @ _mT(x))
    sym = -(gx + _mT(gx))
    factor = np.tril(c) if low else np.triu(c)
    gf = sym @ factor if low else factor @ sym
    return (np.tril(gf) if low else np.triu(gf), None)


def cho_solve_vjp_b(g, ans, c_and_lower, b, overwrite_b=False, check_finite=True):
    return sl.cho_solve(c_and_lower, g)


_def(sl.cho_factor, cho_factor_vjp)
_def(sl.cho_solve, cho_solve_vjp_factor, cho_solve_vjp_b)
