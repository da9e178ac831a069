"""Rules for methods of ``scipy.stats`` distributions (SciPy is an optional extra):
norm and t here; gamma, beta, chi2, expon and laplace in ``scipy_stats_shapes``;
poisson in ``scipy_stats_discrete``; multivariate_normal and dirichlet in
``scipy_stats_multivariate`` (imported at the end of this module).

``norm.logpdf(x, loc, scale)`` is a method of a module-level object; a bound
method is a new object at each access, so each method gets a *stand-in*: a
plain function with the method's arguments that calls it (``norm_logpdf``),
registered with rules, and declared with :func:`srcgrad.rules.defmethod` as
what ``norm.logpdf`` means.  The compiler resolves ``norm.logpdf`` to the
stand-in; the generated code still calls ``norm.logpdf`` as the user wrote it.
Gradients flow to ``x`` and to the distribution's parameters; ``rvs`` and the
other members are not registered, so a differentiated value reaching them is
refused.
"""

import numpy as np
import scipy.special as sp
from scipy import stats

from . import NO_RULE, defmethod, defvjp

_LOG_2PI = np.log(2.0 * np.pi)


def _std(x, loc, scale):
    return (np.subtract(x, loc)) / scale


def _method(obj, attr, stand_in, *rules):
    """``obj.attr`` is ``stand_in``, with ``rules`` (one per argument)."""
    name = "scipy.stats.%s.%s" % (obj.name, attr)
    defvjp(stand_in, *rules, broadcasts=True, name=name)
    defmethod(obj, attr, stand_in)


# ------------------------------------------------------------------- norm

def norm_logpdf(x, loc=0.0, scale=1.0):
    return stats.norm.logpdf(x, loc, scale)


def norm_pdf(x, loc=0.0, scale=1.0):
    return stats.norm.pdf(x, loc, scale)


def norm_cdf(x, loc=0.0, scale=1.0):
    return stats.norm.cdf(x, loc, scale)


def norm_logcdf(x, loc=0.0, scale=1.0):
    return stats.norm.logcdf(x, loc, scale)


def norm_sf(x, loc=0.0, scale=1.0):
    return stats.norm.sf(x, loc, scale)


def norm_logsf(x, loc=0.0, scale=1.0):
    return stats.norm.logsf(x, loc, scale)


def norm_logpdf_x(g, ans, x, loc=0.0, scale=1.0):
    """d/dx = -z / scale, z = (x - loc) / scale."""
    return -g * _std(x, loc, scale) / scale


def norm_logpdf_loc(g, ans, x, loc=0.0, scale=1.0):
    return g * _std(x, loc, scale) / scale


def norm_logpdf_scale(g, ans, x, loc=0.0, scale=1.0):
    return g * (np.square(_std(x, loc, scale)) - 1.0) / scale


def norm_pdf_x(g, ans, x, loc=0.0, scale=1.0):
    return norm_logpdf_x(g * ans, None, x, loc, scale)


def norm_pdf_loc(g, ans, x, loc=0.0, scale=1.0):
    return norm_logpdf_loc(g * ans, None, x, loc, scale)


def norm_pdf_scale(g, ans, x, loc=0.0, scale=1.0):
    return norm_logpdf_scale(g * ans, None, x, loc, scale)


def _phi(z):
    return np.exp(-0.5 * np.square(z) - 0.5 * _LOG_2PI)


def norm_cdf_x(g, ans, x, loc=0.0, scale=1.0):
    """The density at x."""
    return g * _phi(_std(x, loc, scale)) / scale


def norm_cdf_loc(g, ans, x, loc=0.0, scale=1.0):
    return -g * _phi(_std(x, loc, scale)) / scale


def norm_cdf_scale(g, ans, x, loc=0.0, scale=1.0):
    z = _std(x, loc, scale)
    return -g * _phi(z) * z / scale


def _ratio(z, logp):
    """density(z) / exp(logp), in logs."""
    return np.exp(-0.5 * np.square(z) - 0.5 * _LOG_2PI - logp)


def norm_logcdf_x(g, ans, x, loc=0.0, scale=1.0):
    """density / cdf, computed in logs."""
    return g * _ratio(_std(x, loc, scale), ans) / scale


def norm_logcdf_loc(g, ans, x, loc=0.0, scale=1.0):
    return -g * _ratio(_std(x, loc, scale), ans) / scale


def norm_logcdf_scale(g, ans, x, loc=0.0, scale=1.0):
    z = _std(x, loc, scale)
    return -g * _ratio(z, ans) * z / scale


def norm_sf_x(g, ans, x, loc=0.0, scale=1.0):
    return -norm_cdf_x(g, ans, x, loc, scale)


def norm_sf_loc(g, ans, x, loc=0.0, scale=1.0):
    return -norm_cdf_loc(g, ans, x, loc, scale)


def norm_sf_scale(g, ans, x, loc=0.0, scale=1.0):
    return -norm_cdf_scale(g, ans, x, loc, scale)


def norm_logsf_x(g, ans, x, loc=0.0, scale=1.0):
    return -norm_logcdf_x(g, ans, x, loc, scale)


def norm_logsf_loc(g, ans, x, loc=0.0, scale=1.0):
    return -norm_logcdf_loc(g, ans, x, loc, scale)


def norm_logsf_scale(g, ans, x, loc=0.0, scale=1.0):
    return -norm_logcdf_scale(g, ans, x, loc, scale)


_method(stats.norm, "logpdf", norm_logpdf, norm_logpdf_x, norm_logpdf_loc, norm_logpdf_scale)
_method(stats.norm, "pdf", norm_pdf, norm_pdf_x, norm_pdf_loc, norm_pdf_scale)
_method(stats.norm, "cdf", norm_cdf, norm_cdf_x, norm_cdf_loc, norm_cdf_scale)
_method(stats.norm, "logcdf", norm_logcdf, norm_logcdf_x, norm_logcdf_loc, norm_logcdf_scale)
_method(stats.norm, "sf", norm_sf, norm_sf_x, norm_sf_loc, norm_sf_scale)
_method(stats.norm, "logsf", norm_logsf, norm_logsf_x, norm_logsf_loc, norm_logsf_scale)

# ---------------------------------------------------------------------- t

def t_logpdf(x, df, loc=0.0, scale=1.0):
    return stats.t.logpdf(x, df, loc, scale)


def t_pdf(x, df, loc=0.0, scale=1.0):
    return stats.t.pdf(x, df, loc, scale)


def _t_dz(x, df, loc, scale):
    z = _std(x, loc, scale)
    return z, -np.add(df, 1.0) * z / (df + np.square(z))


def t_logpdf_x(g, ans, x, df, loc=0.0, scale=1.0):
    """d/dz = -(df + 1) z / (df + z**2), z = (x - loc) / scale."""
    return g * _t_dz(x, df, loc, scale)[1] / scale


def t_logpdf_df(g, ans, x, df, loc=0.0, scale=1.0):
    z2 = np.square(_std(x, loc, scale))
    df1 = np.add(df, 1.0)
    return g * 0.5 * (sp.digamma(0.5 * df1) - sp.digamma(np.multiply(0.5, df)) - np.divide(1.0, df)
                      - np.log1p(z2 / df) + df1 * z2 / (df * (df + z2)))


def t_logpdf_loc(g, ans, x, df, loc=0.0, scale=1.0):
    return -g * _t_dz(x, df, loc, scale)[1] / scale


def t_logpdf_scale(g, ans, x, df, loc=0.0, scale=1.0):
    z, dz = _t_dz(x, df, loc, scale)
    return -g * (1.0 + z * dz) / scale


def t_pdf_x(g, ans, x, df, loc=0.0, scale=1.0):
    return t_logpdf_x(g * ans, None, x, df, loc, scale)


def t_pdf_df(g, ans, x, df, loc=0.0, scale=1.0):
    return t_logpdf_df(g * ans, None, x, df, loc, scale)


def t_pdf_loc(g, ans, x, df, loc=0.0, scale=1.0):
    return t_logpdf_loc(g * ans, None, x, df, loc, scale)


def t_pdf_scale(g, ans, x, df, loc=0.0, scale=1.0):
    return t_logpdf_scale(g * ans, None, x, df, loc, scale)


_method(stats.t, "logpdf", t_logpdf, t_logpdf_x, t_logpdf_df, t_logpdf_loc, t_logpdf_scale)
_method(stats.t, "pdf", t_pdf, t_pdf_x, t_pdf_df, t_pdf_loc, t_pdf_scale)


def t_cdf(x, df, loc=0.0, scale=1.0):
    return stats.t.cdf(x, df, loc, scale)


def t_logcdf(x, df, loc=0.0, scale=1.0):
    return stats.t.logcdf(x, df, loc, scale)


def t_cdf_x(g, ans, x, df, loc=0.0, scale=1.0):
    """The density at x (no rule wrt df: refused)."""
    return g * stats.t.pdf(x, df, loc, scale)


def t_cdf_loc(g, ans, x, df, loc=0.0, scale=1.0):
    return -g * stats.t.pdf(x, df, loc, scale)


def t_cdf_scale(g, ans, x, df, loc=0.0, scale=1.0):
    return -g * stats.t.pdf(x, df, loc, scale) * _std(x, loc, scale)


def t_logcdf_x(g, ans, x, df, loc=0.0, scale=1.0):
    """density / cdf, computed in logs."""
    return g * np.exp(stats.t.logpdf(x, df, loc, scale) - ans)


def t_logcdf_loc(g, ans, x, df, loc=0.0, scale=1.0):
    return -g * np.exp(stats.t.logpdf(x, df, loc, scale) - ans)


def t_logcdf_scale(g, ans, x, df, loc=0.0, scale=1.0):
    return -g * np.exp(stats.t.logpdf(x, df, loc, scale) - ans) * _std(x, loc, scale)


_method(stats.t, "cdf", t_cdf, t_cdf_x, NO_RULE, t_cdf_loc, t_cdf_scale)
_method(stats.t, "logcdf", t_logcdf, t_logcdf_x, NO_RULE, t_logcdf_loc, t_logcdf_scale)

# The other families register themselves on import (they use _std and _method).
from . import scipy_stats_shapes, scipy_stats_discrete, scipy_stats_multivariate  # noqa: E402,F401
