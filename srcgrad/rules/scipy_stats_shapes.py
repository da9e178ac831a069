"""Rules for ``scipy.stats`` distributions with shape parameters: gamma, beta,
chi2, expon, laplace (SciPy is an optional extra).

Part of the ``scipy.stats`` rules (:mod:`srcgrad.rules.scipy_stats` explains
the stand-ins: ``gamma_logpdf`` is what the compiler resolves ``stats.gamma.logpdf`` to).
"""

import numpy as np
import scipy.special as sp
from scipy import stats

from . import NO_RULE
from .scipy_stats import _method, _std

# ------------------------------------------------------------ gamma, beta

def gamma_logpdf(x, a, loc=0.0, scale=1.0):
    return stats.gamma.logpdf(x, a, loc, scale)


def _gamma_dy(x, a, loc, scale):
    y = _std(x, loc, scale)
    return y, np.subtract(a, 1.0) / y - 1.0


def gamma_logpdf_x(g, ans, x, a, loc=0.0, scale=1.0):
    """log density (a - 1) log y - y - gammaln(a) - log scale, y = (x - loc) / scale."""
    return g * _gamma_dy(x, a, loc, scale)[1] / scale


def gamma_logpdf_a(g, ans, x, a, loc=0.0, scale=1.0):
    return g * (np.log(_std(x, loc, scale)) - sp.digamma(a))


def gamma_logpdf_loc(g, ans, x, a, loc=0.0, scale=1.0):
    return -g * _gamma_dy(x, a, loc, scale)[1] / scale


def gamma_logpdf_scale(g, ans, x, a, loc=0.0, scale=1.0):
    y, dy = _gamma_dy(x, a, loc, scale)
    return -g * (dy * y + 1.0) / scale


_method(stats.gamma, "logpdf", gamma_logpdf, gamma_logpdf_x, gamma_logpdf_a,
        gamma_logpdf_loc, gamma_logpdf_scale)


def gamma_pdf(x, a, loc=0.0, scale=1.0):
    return stats.gamma.pdf(x, a, loc, scale)


def gamma_pdf_x(g, ans, x, a, loc=0.0, scale=1.0):
    """The log density's rules, times the density."""
    return gamma_logpdf_x(g * ans, None, x, a, loc, scale)


def gamma_pdf_a(g, ans, x, a, loc=0.0, scale=1.0):
    return gamma_logpdf_a(g * ans, None, x, a, loc, scale)


def gamma_pdf_loc(g, ans, x, a, loc=0.0, scale=1.0):
    return gamma_logpdf_loc(g * ans, None, x, a, loc, scale)


def gamma_pdf_scale(g, ans, x, a, loc=0.0, scale=1.0):
    return gamma_logpdf_scale(g * ans, None, x, a, loc, scale)


def gamma_cdf(x, a, loc=0.0, scale=1.0):
    return stats.gamma.cdf(x, a, loc, scale)


def gamma_cdf_x(g, ans, x, a, loc=0.0, scale=1.0):
    """The density at x (no rule wrt the shape a: refused)."""
    return g * stats.gamma.pdf(x, a, loc, scale)


def gamma_cdf_loc(g, ans, x, a, loc=0.0, scale=1.0):
    return -g * stats.gamma.pdf(x, a, loc, scale)


def gamma_cdf_scale(g, ans, x, a, loc=0.0, scale=1.0):
    return -g * stats.gamma.pdf(x, a, loc, scale) * _std(x, loc, scale)


_method(stats.gamma, "pdf", gamma_pdf, gamma_pdf_x, gamma_pdf_a, gamma_pdf_loc, gamma_pdf_scale)
_method(stats.gamma, "cdf", gamma_cdf, gamma_cdf_x, NO_RULE, gamma_cdf_loc, gamma_cdf_scale)


def beta_logpdf(x, a, b, loc=0.0, scale=1.0):
    return stats.beta.logpdf(x, a, b, loc, scale)


def _beta_dy(x, a, b, loc, scale):
    y = _std(x, loc, scale)
    return y, np.subtract(a, 1.0) / y - np.subtract(b, 1.0) / (1.0 - y)


def beta_logpdf_x(g, ans, x, a, b, loc=0.0, scale=1.0):
    """log density (a - 1) log y + (b - 1) log(1 - y) - betaln(a, b) - log scale."""
    return g * _beta_dy(x, a, b, loc, scale)[1] / scale


def beta_logpdf_a(g, ans, x, a, b, loc=0.0, scale=1.0):
    return g * (np.log(_std(x, loc, scale)) - sp.digamma(a) + sp.digamma(np.add(a, b)))


def beta_logpdf_b(g, ans, x, a, b, loc=0.0, scale=1.0):
    return g * (np.log1p(-_std(x, loc, scale)) - sp.digamma(b) + sp.digamma(np.add(a, b)))


def beta_logpdf_loc(g, ans, x, a, b, loc=0.0, scale=1.0):
    return -g * _beta_dy(x, a, b, loc, scale)[1] / scale


def beta_logpdf_scale(g, ans, x, a, b, loc=0.0, scale=1.0):
    y, dy = _beta_dy(x, a, b, loc, scale)
    return -g * (dy * y + 1.0) / scale


_method(stats.beta, "logpdf", beta_logpdf, beta_logpdf_x, beta_logpdf_a, beta_logpdf_b,
        beta_logpdf_loc, beta_logpdf_scale)


def beta_pdf(x, a, b, loc=0.0, scale=1.0):
    return stats.beta.pdf(x, a, b, loc, scale)


def beta_pdf_x(g, ans, x, a, b, loc=0.0, scale=1.0):
    """The log density's rules, times the density."""
    return beta_logpdf_x(g * ans, None, x, a, b, loc, scale)


def beta_pdf_a(g, ans, x, a, b, loc=0.0, scale=1.0):
    return beta_logpdf_a(g * ans, None, x, a, b, loc, scale)


def beta_pdf_b(g, ans, x, a, b, loc=0.0, scale=1.0):
    return beta_logpdf_b(g * ans, None, x, a, b, loc, scale)


def beta_pdf_loc(g, ans, x, a, b, loc=0.0, scale=1.0):
    return beta_logpdf_loc(g * ans, None, x, a, b, loc, scale)


def beta_pdf_scale(g, ans, x, a, b, loc=0.0, scale=1.0):
    return beta_logpdf_scale(g * ans, None, x, a, b, loc, scale)


def beta_cdf(x, a, b, loc=0.0, scale=1.0):
    return stats.beta.cdf(x, a, b, loc, scale)


def beta_cdf_x(g, ans, x, a, b, loc=0.0, scale=1.0):
    """The density at x (no rules wrt the shapes a, b: refused)."""
    return g * stats.beta.pdf(x, a, b, loc, scale)


def beta_cdf_loc(g, ans, x, a, b, loc=0.0, scale=1.0):
    return -g * stats.beta.pdf(x, a, b, loc, scale)


def beta_cdf_scale(g, ans, x, a, b, loc=0.0, scale=1.0):
    return -g * stats.beta.pdf(x, a, b, loc, scale) * _std(x, loc, scale)


_method(stats.beta, "pdf", beta_pdf, beta_pdf_x, beta_pdf_a, beta_pdf_b, beta_pdf_loc,
        beta_pdf_scale)
_method(stats.beta, "cdf", beta_cdf, beta_cdf_x, NO_RULE, NO_RULE, beta_cdf_loc, beta_cdf_scale)

# ------------------------------------------------------------------ chi2

def chi2_logpdf(x, df, loc=0.0, scale=1.0):
    return stats.chi2.logpdf(x, df, loc, scale)


def chi2_pdf(x, df, loc=0.0, scale=1.0):
    return stats.chi2.pdf(x, df, loc, scale)


def chi2_cdf(x, df, loc=0.0, scale=1.0):
    return stats.chi2.cdf(x, df, loc, scale)


def _chi2_dy(x, df, loc, scale):
    y = _std(x, loc, scale)
    return y, (0.5 * np.asarray(df) - 1.0) / y - 0.5


def chi2_logpdf_x(g, ans, x, df, loc=0.0, scale=1.0):
    """log density (df/2 - 1) log y - y/2 - (df/2) log 2 - gammaln(df/2) - log scale."""
    return g * _chi2_dy(x, df, loc, scale)[1] / scale


def chi2_logpdf_df(g, ans, x, df, loc=0.0, scale=1.0):
    return g * 0.5 * (np.log(_std(x, loc, scale)) - np.log(2.0) - sp.digamma(0.5 * np.asarray(df)))


def chi2_logpdf_loc(g, ans, x, df, loc=0.0, scale=1.0):
    return -g * _chi2_dy(x, df, loc, scale)[1] / scale


def chi2_logpdf_scale(g, ans, x, df, loc=0.0, scale=1.0):
    y, dy = _chi2_dy(x, df, loc, scale)
    return -g * (dy * y + 1.0) / scale


def chi2_pdf_x(g, ans, x, df, loc=0.0, scale=1.0):
    """The log density's rules, times the density."""
    return chi2_logpdf_x(g * ans, None, x, df, loc, scale)


def chi2_pdf_df(g, ans, x, df, loc=0.0, scale=1.0):
    return chi2_logpdf_df(g * ans, None, x, df, loc, scale)


def chi2_pdf_loc(g, ans, x, df, loc=0.0, scale=1.0):
    return chi2_logpdf_loc(g * ans, None, x, df, loc, scale)


def chi2_pdf_scale(g, ans, x, df, loc=0.0, scale=1.0):
    return chi2_logpdf_scale(g * ans, None, x, df, loc, scale)


def chi2_cdf_x(g, ans, x, df, loc=0.0, scale=1.0):
    """The density at x (no rule wrt df: refused)."""
    return g * stats.chi2.pdf(x, df, loc, scale)


def chi2_cdf_loc(g, ans, x, df, loc=0.0, scale=1.0):
    return -g * stats.chi2.pdf(x, df, loc, scale)


def chi2_cdf_scale(g, ans, x, df, loc=0.0, scale=1.0):
    return -g * stats.chi2.pdf(x, df, loc, scale) * _std(x, loc, scale)


_method(stats.chi2, "logpdf", chi2_logpdf, chi2_logpdf_x, chi2_logpdf_df, chi2_logpdf_loc,
        chi2_logpdf_scale)
_method(stats.chi2, "pdf", chi2_pdf, chi2_pdf_x, chi2_pdf_df, chi2_pdf_loc, chi2_pdf_scale)
_method(stats.chi2, "cdf", chi2_cdf, chi2_cdf_x, NO_RULE, chi2_cdf_loc, chi2_cdf_scale)


# --------------------------------------------------------- expon, laplace

def expon_logpdf(x, loc=0.0, scale=1.0):
    return stats.expon.logpdf(x, loc, scale)


def expon_logpdf_x(g, ans, x, loc=0.0, scale=1.0):
    """log density -y - log scale, y = (x - loc) / scale >= 0."""
    return -g / scale * np.ones_like(np.asarray(x, dtype=float))


def expon_logpdf_loc(g, ans, x, loc=0.0, scale=1.0):
    return g / scale * np.ones_like(np.asarray(loc, dtype=float))


def expon_logpdf_scale(g, ans, x, loc=0.0, scale=1.0):
    return g * (_std(x, loc, scale) - 1.0) / scale


_method(stats.expon, "logpdf", expon_logpdf, expon_logpdf_x, expon_logpdf_loc,
        expon_logpdf_scale)


def laplace_logpdf(x, loc=0.0, scale=1.0):
    return stats.laplace.logpdf(x, loc, scale)


def laplace_logpdf_x(g, ans, x, loc=0.0, scale=1.0):
    """log density -|y| - log(2 scale)."""
    return -g * np.sign(_std(x, loc, scale)) / scale


def laplace_logpdf_loc(g, ans, x, loc=0.0, scale=1.0):
    return g * np.sign(_std(x, loc, scale)) / scale


def laplace_logpdf_scale(g, ans, x, loc=0.0, scale=1.0):
    return g * (np.abs(_std(x, loc, scale)) - 1.0) / scale


_method(stats.laplace, "logpdf", laplace_logpdf, laplace_logpdf_x, laplace_logpdf_loc,
        laplace_logpdf_scale)
