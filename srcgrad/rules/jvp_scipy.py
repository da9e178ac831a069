"""Forward mode for the SciPy rule modules, loaded lazily like them.

The SciPy rules are registered only when their library is imported, so the
declarations here are keyed by the primitive's registered name
(``scipy.special.gammaln``) and read when a SciPy primitive's JVPs are first
derived.  Primitives not listed get their JVP by transposition (exact,
bounded; see :mod:`srcgrad.rules.jvp`): ``scipy.linalg``'s factorizations
and solvers other than ``inv``/``det``/the right-hand sides, ``expm``,
``sqrtm``, the multivariate distributions, ``odeint``.
"""

import numpy as np

from .. import runtime
from .jvp_explicit import reduced_tangent, inv_jvp, det_jvp

#: Elementwise (diagonal Jacobian, after broadcasting) in every differentiable
#: argument: SciPy's ufuncs and the univariate distributions' functions.
ELEMENTWISE = frozenset(
    ["scipy.special." + n for n in (
        "gammaln rgamma gammasgn loggamma gammainc gammaincc betainc betaincc multigammaln "
        "psi polygamma gamma beta betaln erf erfc erfinv erfcinv erfcx ndtr log_ndtr ndtri "
        "expit logit log_expit xlogy xlog1py entr rel_entr j0 j1 y0 y1 jv yv yn i0 i1 i0e "
        "i1e iv ive k0 k1 k0e k1e kv kve").split()] +
    ["scipy.stats.%s.%s" % (d, f) for d, fs in (
        ("norm", "logpdf pdf cdf logcdf sf logsf"), ("t", "logpdf pdf cdf logcdf"),
        ("gamma", "logpdf pdf cdf"), ("beta", "logpdf pdf cdf"), ("chi2", "logpdf pdf cdf"),
        ("expon", "logpdf"), ("laplace", "logpdf"), ("poisson", "logpmf pmf cdf"))
        for f in fs.split()])

#: name -> (positions, keywords zeroed, jointly)
LINEAR = {
    "scipy.signal.convolve": (frozenset((0, 1)), (), False),
    "scipy.signal.correlate": (frozenset((0, 1)), (), False),
    "scipy.linalg.solve": (frozenset((1,)), (), False),
    "scipy.linalg.solve_triangular": (frozenset((1,)), (), False),
    "scipy.linalg.lu_solve": (frozenset((1,)), (), False),
    "scipy.linalg.cho_solve": (frozenset((1,)), (), False),
}


def logsumexp_jvp_a(t, ans, a, axis=None, b=None, keepdims=False, return_sign=False):
    """The softmax weights (times ``b``) summed against ``t`` over ``axis``;
    with ``return_sign`` or a ``b`` that broadcasts ``a`` up, by transposition."""
    from . import lookup
    from .jvp import transposed_jvp
    import scipy.special
    if return_sign or (b is not None and np.broadcast_shapes(np.shape(a), np.shape(b))
                       != np.shape(a)):
        return transposed_jvp(lookup(scipy.special.logsumexp), 0, t, ans, (a,),
                              {"axis": axis, "b": b, "keepdims": keepdims,
                               "return_sign": return_sign})
    from .scipy_special import logsumexp_vjp_a
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
    from .jvp_explicit import cholesky_jvp
    return cholesky_jvp(t, ans, a, upper=not lower)


def expm_jvp(t, ans, A):
    """The Frechet derivative of expm at A in the direction t: the upper right
    block of ``expm([[A, t], [0, A]])``."""
    import scipy.linalg as sl
    n = np.shape(A)[-1]
    A = np.asarray(A)
    t = np.broadcast_to(t, A.shape)
    zero = np.zeros(A.shape, dtype=np.result_type(A, t))
    block = np.concatenate([np.concatenate([A, t], -1), np.concatenate([zero, A], -1)], -2)
    return sl.expm(block)[..., :n, n:]


def sqrtm_jvp(t, ans, A):
    """``X = sqrtm(A)``, ``X dX + dX X = dA``: a Sylvester equation."""
    import scipy.linalg as sl
    return sl.solve_sylvester(ans, ans, t)


def linalg_solve_jvp_a(t, ans, a, b, lower=False, check_finite=True, assume_a="gen"):
    """As np.linalg.solve's; a symmetric ``assume_a`` moves along the
    symmetric part of ``t`` (the VJP gives the symmetric gradient)."""
    from .jvp_explicit import solve_jvp_a, _mT
    if assume_a not in ("gen", "general", None):
        t = 0.5 * (t + _mT(t))
    return solve_jvp_a(t, ans, a, b)


def solve_triangular_jvp_a(t, ans, a, b, trans=0, lower=False, unit_diagonal=False,
                           check_finite=True):
    """``x = op(A)^-1 b``: ``dx = -op(A)^-1 op(dA) x``, ``dA`` read on the
    triangle SciPy reads (without the diagonal when ``unit_diagonal``)."""
    import scipy.linalg as sl
    from .jvp_explicit import _mT
    ta = np.tril(t) if lower else np.triu(t)
    if unit_diagonal:
        ta = ta - np.diag(np.diag(ta))
    if trans in (1, 2, "T", "C"):
        ta = _mT(ta)
    return -sl.solve_triangular(a, np.matmul(ta, ans), trans=trans, lower=lower,
                                unit_diagonal=unit_diagonal)


#: name -> tuple of explicit JVP rules (``DERIVED`` where the table derives one)
def _explicit():
    from .jvp import DERIVED
    return {
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


def declared(prim, linear):
    """``prim``'s linear or elementwise declaration, or ``None``."""
    if linear:
        return LINEAR.get(prim.name)
    from .jvp import ALL
    return ALL if prim.name in ELEMENTWISE else None


def explicit(prim):
    """``prim``'s explicit JVP rules, or ``None``."""
    return _explicit().get(prim.name) if prim.name.startswith("scipy.") else None


__all__ = ["ELEMENTWISE", "LINEAR", "declared", "explicit", "runtime"]
