"""Rules for ``scipy.special`` (SciPy is an optional extra).

Imported by :func:`srcgrad.rules.load_optional` the first time a lookup
misses after the user imported ``scipy.special``; never at ``import srcgrad``.
Most of these functions are ufuncs, so the tape sees them through
``__array_ufunc__`` like NumPy's; ``logsumexp``, ``softmax`` and
``log_softmax`` are Python functions, which the compiler resolves (the tape
cannot see inside a Python function that converts its argument with
``np.asarray``, and refuses it).
"""

import numpy as np
import scipy.special as sp

from . import NO_RULE, defvjp
from .. import runtime

_SQRT_PI = np.sqrt(np.pi)
_SQRT_2PI = np.sqrt(2.0 * np.pi)


def _def(fn, *rules, broadcasts=True):
    defvjp(fn, *rules, broadcasts=broadcasts, name="scipy.special." + fn.__name__)


# ------------------------------------------------------------- gamma family

def gammaln_vjp(g, ans, x):
    """d/dx log|Gamma(x)| = digamma(x)."""
    return g * sp.digamma(x)


def digamma_vjp(g, ans, x):
    return g * runtime.conj(sp.polygamma(1, x))


def polygamma_vjp(g, ans, n, x):
    """Gradient wrt x only (the order n is an integer)."""
    return g * sp.polygamma(np.add(n, 1), x)


def gamma_vjp(g, ans, x):
    return g * runtime.conj(ans * sp.digamma(x))


def beta_vjp_a(g, ans, a, b):
    return g * ans * (sp.digamma(a) - sp.digamma(np.add(a, b)))


def beta_vjp_b(g, ans, a, b):
    return g * ans * (sp.digamma(b) - sp.digamma(np.add(a, b)))


def betaln_vjp_a(g, ans, a, b):
    return g * (sp.digamma(a) - sp.digamma(np.add(a, b)))


def betaln_vjp_b(g, ans, a, b):
    return g * (sp.digamma(b) - sp.digamma(np.add(a, b)))


def rgamma_vjp(g, ans, x):
    """rgamma = 1 / Gamma: -digamma(x) / Gamma(x)."""
    return -g * ans * sp.digamma(x)


def gammasgn_vjp(g, ans, x):
    """The sign of Gamma is constant between its poles: zero."""
    return np.zeros(np.broadcast(g, x).shape)


def loggamma_vjp(g, ans, x):
    """Holomorphic: g * conj(digamma(x)) (the project's complex convention)."""
    return g * np.conj(sp.digamma(x))


def _gamma_density(a, x):
    """x**(a - 1) exp(-x) / Gamma(a), in logs."""
    return np.exp(np.subtract(a, 1.0) * np.log(x) - x - sp.gammaln(a))


def gammainc_vjp_x(g, ans, a, x):
    """x**(a-1) exp(-x) / Gamma(a): wrt x only (a differentiated a is refused)."""
    return g * _gamma_density(a, x)


def gammaincc_vjp_x(g, ans, a, x):
    """Minus gammainc's (a differentiated a is refused)."""
    return -g * _gamma_density(a, x)


def _beta_density(a, b, x):
    return np.exp(np.subtract(a, 1.0) * np.log(x) + np.subtract(b, 1.0) * np.log1p(np.negative(x))
                  - sp.betaln(a, b))


def betainc_vjp_x(g, ans, a, b, x):
    """Gradient wrt x only (no rules wrt a, b: refused)."""
    return g * _beta_density(a, b, x)


def betaincc_vjp_x(g, ans, a, b, x):
    """Minus betainc's (differentiated a, b are refused)."""
    return -g * _beta_density(a, b, x)


def multigammaln_vjp(g, ans, a, d):
    """sum over j < d of digamma(a - j / 2) (d is an integer)."""
    halves = 0.5 * np.arange(int(d))
    return g * np.sum(sp.digamma(np.expand_dims(a, -1) - halves), axis=-1)


_def(sp.gammaln, gammaln_vjp)
_def(sp.rgamma, rgamma_vjp)
_def(sp.gammasgn, gammasgn_vjp)
_def(sp.loggamma, loggamma_vjp)
_def(sp.gammainc, NO_RULE, gammainc_vjp_x)
_def(sp.gammaincc, NO_RULE, gammaincc_vjp_x)
_def(sp.betainc, NO_RULE, NO_RULE, betainc_vjp_x)
if hasattr(sp, "betaincc"):  # SciPy >= 1.11
    _def(sp.betaincc, NO_RULE, NO_RULE, betaincc_vjp_x)
_def(sp.multigammaln, multigammaln_vjp, None)
_def(sp.digamma, digamma_vjp)
_def(sp.polygamma, None, polygamma_vjp)
_def(sp.gamma, gamma_vjp)
_def(sp.beta, beta_vjp_a, beta_vjp_b)
_def(sp.betaln, betaln_vjp_a, betaln_vjp_b)

# ------------------------------------------------------ error function, normal

def erf_vjp(g, ans, x):
    return g * (2.0 / _SQRT_PI) * runtime.conj(np.exp(-np.square(x)))


def erfc_vjp(g, ans, x):
    return -g * (2.0 / _SQRT_PI) * runtime.conj(np.exp(-np.square(x)))


def erfinv_vjp(g, ans, y):
    return g * (_SQRT_PI / 2.0) * np.exp(np.square(ans))


def erfcinv_vjp(g, ans, y):
    return -g * (_SQRT_PI / 2.0) * np.exp(np.square(ans))


def erfcx_vjp(g, ans, x):
    """erfcx = exp(x**2) erfc(x): 2 x erfcx(x) - 2 / sqrt(pi)."""
    return g * (2.0 * np.multiply(x, ans) - 2.0 / _SQRT_PI)


def ndtr_vjp(g, ans, x):
    """The standard normal density."""
    return g * runtime.conj(np.exp(-0.5 * np.square(x))) / _SQRT_2PI


def log_ndtr_vjp(g, ans, x):
    """density / cdf, computed in logs (stable far in the left tail)."""
    return g * runtime.conj(np.exp(-0.5 * np.square(x) - ans)) / _SQRT_2PI


def ndtri_vjp(g, ans, p):
    return g * _SQRT_2PI * np.exp(0.5 * np.square(ans))


_def(sp.erf, erf_vjp)
_def(sp.erfc, erfc_vjp)
_def(sp.erfinv, erfinv_vjp)
_def(sp.erfcinv, erfcinv_vjp)
_def(sp.erfcx, erfcx_vjp)
_def(sp.ndtr, ndtr_vjp)
_def(sp.log_ndtr, log_ndtr_vjp)
_def(sp.ndtri, ndtri_vjp)

# ------------------------------------------------------------ logistic, logs

def expit_vjp(g, ans, x):
    return g * ans * (1.0 - ans)


def log_expit_vjp(g, ans, x):
    """log expit(x)' = expit(-x)."""
    return g * sp.expit(np.negative(x))


def logit_vjp(g, ans, p):
    return g / (p * np.subtract(1.0, p))


def xlogy_vjp_x(g, ans, x, y):
    return g * runtime.conj(np.log(y))


def xlogy_vjp_y(g, ans, x, y):
    return g * runtime.conj(np.divide(x, y))


def xlog1py_vjp_x(g, ans, x, y):
    return g * runtime.conj(np.log1p(y))


def xlog1py_vjp_y(g, ans, x, y):
    return g * runtime.conj(np.divide(x, np.add(1.0, y)))


def entr_vjp(g, ans, x):
    """entr(x) = -x log x."""
    return -g * (np.log(x) + 1.0)


def rel_entr_vjp_x(g, ans, x, y):
    """rel_entr(x, y) = x log(x / y)."""
    return g * (np.log(np.divide(x, y)) + 1.0)


def rel_entr_vjp_y(g, ans, x, y):
    return -g * x / y


_def(sp.expit, expit_vjp)
_def(sp.logit, logit_vjp)
if hasattr(sp, "log_expit"):  # SciPy >= 1.8
    _def(sp.log_expit, log_expit_vjp)
_def(sp.xlogy, xlogy_vjp_x, xlogy_vjp_y)
_def(sp.xlog1py, xlog1py_vjp_x, xlog1py_vjp_y)
_def(sp.entr, entr_vjp)
_def(sp.rel_entr, rel_entr_vjp_x, rel_entr_vjp_y)

# ------------------------------------------------ reductions over an axis

def _keep(v, ndim, axis, keepdims):
    """``v`` (reduced over ``axis``) with the reduced axes back as size 1."""
    if keepdims:
        return v
    if axis is None:
        return np.reshape(v, (1,) * ndim)
    axes = (axis,) if np.ndim(axis) == 0 else tuple(axis)
    return np.expand_dims(v, tuple(a % ndim for a in axes))


def _lse_parts(g, ans, a, b, axis, keepdims, return_sign):
    if return_sign:
        ans, sign = ans
        g = g[0] * sign
    ndim = np.ndim(a) if b is None else np.broadcast(a, b).ndim
    w = np.exp(a - _keep(ans, ndim, axis, keepdims))
    return _keep(g, ndim, axis, keepdims) * runtime.conj(w)


def logsumexp_vjp_a(g, ans, a, axis=None, b=None, keepdims=False, return_sign=False):
    """softmax weights exp(a - lse), times b; with return_sign, times the sign."""
    out = _lse_parts(g, ans, a, b, axis, keepdims, return_sign)
    return out if b is None else out * runtime.conj(b)


def logsumexp_vjp_b(g, ans, a, axis=None, b=None, keepdims=False, return_sign=False):
    return _lse_parts(g, ans, a, b, axis, keepdims, return_sign)


def softmax_vjp(g, ans, x, axis=None):
    return runtime.conj(ans) * (g - np.sum(g * runtime.conj(ans), axis=axis, keepdims=True))


def log_softmax_vjp(g, ans, x, axis=None):
    return g - runtime.conj(np.exp(ans)) * np.sum(g, axis=axis, keepdims=True)


_def(sp.logsumexp, logsumexp_vjp_a, None, logsumexp_vjp_b)
_def(sp.softmax, softmax_vjp, broadcasts=False)
_def(sp.log_softmax, log_softmax_vjp, broadcasts=False)

# The Bessel functions register themselves on import.
from . import scipy_bessel  # noqa: E402,F401
