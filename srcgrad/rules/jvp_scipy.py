"""Forward mode for the SciPy rule modules, loaded lazily like them.

The SciPy rules are registered only when their library is imported, so the
declarations here are keyed by the primitive's registered name
(``scipy.special.gammaln``) and read when a SciPy primitive's JVPs are first
derived.  Primitives not listed get their JVP by transposition (exact,
bounded; see :mod:`srcgrad.rules.jvp`): ``scipy.linalg``'s factorizations
and solvers other than ``inv``/``det``/the right-hand sides, ``expm``,
``sqrtm``, the multivariate distributions, ``odeint``.  The explicit rules
are in :mod:`.jvp_scipy_explicit`.
"""

import numpy as np

from .. import runtime

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


def declared(prim, linear):
    """``prim``'s linear or elementwise declaration, or ``None``."""
    if linear:
        return LINEAR.get(prim.name)
    from .jvp import ALL
    return ALL if prim.name in ELEMENTWISE else None


def explicit(prim):
    """``prim``'s explicit JVP rules, or ``None`` (the rules live in
    :mod:`.jvp_scipy_explicit`, which imports SciPy: loaded for a SciPy
    primitive only)."""
    if not prim.name.startswith("scipy."):
        return None
    from . import jvp_scipy_explicit
    return jvp_scipy_explicit.EXPLICIT.get(prim.name)


__all__ = ["ELEMENTWISE", "LINEAR", "declared", "explicit", "runtime"]
