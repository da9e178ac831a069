"""Rules for discrete ``scipy.stats`` distributions: poisson's pmf, logpmf and
cdf, wrt the rate (SciPy is an optional extra).

Part of the ``scipy.stats`` rules (:mod:`srcgrad.rules.scipy_stats` explains
the stand-ins: ``poisson_logpmf`` is what the compiler resolves ``stats.poisson.logpmf`` to).
"""

import numpy as np
from scipy import stats

from .scipy_stats import _method

# ---------------------------------------------------------------- poisson

def poisson_logpmf(k, mu, loc=0):
    return stats.poisson.logpmf(k, mu, loc)


def poisson_logpmf_mu(g, ans, k, mu, loc=0):
    """Gradient wrt the rate mu only (k is a count)."""
    return g * (np.subtract(k, loc) / mu - 1.0)


_method(stats.poisson, "logpmf", poisson_logpmf, None, poisson_logpmf_mu)


def poisson_pmf(k, mu, loc=0):
    return stats.poisson.pmf(k, mu, loc)


def poisson_cdf(k, mu, loc=0):
    return stats.poisson.cdf(k, mu, loc)


def poisson_pmf_mu(g, ans, k, mu, loc=0):
    """The log pmf's rule, times the pmf (gradient wrt mu only)."""
    return poisson_logpmf_mu(g * ans, None, k, mu, loc)


def poisson_cdf_mu(g, ans, k, mu, loc=0):
    """d/dmu P(K <= k) = -pmf(floor(k), mu) (gradient wrt mu only)."""
    return -g * stats.poisson.pmf(np.floor(np.subtract(k, loc)), mu)


_method(stats.poisson, "pmf", poisson_pmf, None, poisson_pmf_mu)
_method(stats.poisson, "cdf", poisson_cdf, None, poisson_cdf_mu)
