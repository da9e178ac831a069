"""Rules for methods of ``scipy.stats`` distributions (SciPy is an optional extra).

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

from . import defmethod, defvjp

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

# ----------------------------------------------- gamma, beta, expon, laplace

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

# ---------------------------------------------------------------- poisson

def poisson_logpmf(k, mu, loc=0):
    return stats.poisson.logpmf(k, mu, loc)


def poisson_logpmf_mu(g, ans, k, mu, loc=0):
    """Gradient wrt the rate mu only (k is a count)."""
    return g * (np.subtract(k, loc) / mu - 1.0)


_method(stats.poisson, "logpmf", poisson_logpmf, None, poisson_logpmf_mu)

# --------------------------------------------------- multivariate normal

def multivariate_normal_logpdf(x, mean=None, cov=1, allow_singular=False):
    return stats.multivariate_normal.logpdf(x, mean, cov, allow_singular)


def multivariate_normal_pdf(x, mean=None, cov=1, allow_singular=False):
    return stats.multivariate_normal.pdf(x, mean, cov, allow_singular)


def _mvn(g, x, mean, cov):
    """``(d, a, cinv, gs)``: per-sample ``d = x - mean`` as ``(..., dim)``,
    ``a = cinv d``, the inverse covariance (full) and ``g`` per sample."""
    cov = np.asarray(cov, dtype=float)
    if mean is not None and np.size(mean) > 1:
        dim = np.shape(mean)[-1]
    elif cov.ndim:
        dim = cov.shape[-1]
    else:
        dim = 1
    x = np.asarray(x, dtype=float)
    if x.ndim == 0:
        x = x.reshape(1)
    if x.ndim == 1:
        x = x[:, None] if dim == 1 else x[None, :]
    full = cov * np.eye(dim) if cov.ndim == 0 else (np.diag(cov) if cov.ndim == 1 else cov)
    cinv = np.linalg.pinv(full, hermitian=True)
    d = x - (0.0 if mean is None else np.asarray(mean, dtype=float))
    a = d @ cinv
    gs = np.reshape(g, a.shape[:-1])
    return d, a, cinv, gs, cov.ndim, x.shape


def _mvn_x(g, x, mean, cov):
    d, a, cinv, gs, _, xshape = _mvn(g, x, mean, cov)
    return np.reshape(-gs[..., None] * a, np.shape(x) if np.ndim(x) else ())


def _mvn_mean(g, x, mean, cov):
    d, a, cinv, gs, _, _ = _mvn(g, x, mean, cov)
    out = gs[..., None] * a
    return np.sum(out, axis=tuple(range(out.ndim - np.ndim(mean)))).reshape(np.shape(mean)) \
        if np.ndim(mean) < out.ndim else out


def _mvn_cov(g, x, mean, cov):
    d, a, cinv, gs, cov_ndim, _ = _mvn(g, x, mean, cov)
    aa = np.reshape(a, (-1, a.shape[-1]))
    gg = np.reshape(gs, (-1,))
    full = 0.5 * ((aa * gg[:, None]).T @ aa - np.sum(gg) * cinv)
    if cov_ndim == 0:
        return np.trace(full)
    if cov_ndim == 1:
        return np.diagonal(full).copy()
    return full


def multivariate_normal_logpdf_x(g, ans, x, mean=None, cov=1, allow_singular=False):
    """-g cov^-1 (x - mean) per sample; cov's gradient is the symmetric one."""
    return _mvn_x(g, x, mean, cov)


def multivariate_normal_logpdf_mean(g, ans, x, mean=None, cov=1, allow_singular=False):
    return _mvn_mean(g, x, mean, cov)


def multivariate_normal_logpdf_cov(g, ans, x, mean=None, cov=1, allow_singular=False):
    return _mvn_cov(g, x, mean, cov)


def multivariate_normal_pdf_x(g, ans, x, mean=None, cov=1, allow_singular=False):
    return _mvn_x(g * ans, x, mean, cov)


def multivariate_normal_pdf_mean(g, ans, x, mean=None, cov=1, allow_singular=False):
    return _mvn_mean(g * ans, x, mean, cov)


def multivariate_normal_pdf_cov(g, ans, x, mean=None, cov=1, allow_singular=False):
    return _mvn_cov(g * ans, x, mean, cov)


def _mvn_method(attr, stand_in, *rules):
    defvjp(stand_in, *rules, name="scipy.stats.multivariate_normal." + attr)
    defmethod(stats.multivariate_normal, attr, stand_in)


_mvn_method("logpdf", multivariate_normal_logpdf, multivariate_normal_logpdf_x,
            multivariate_normal_logpdf_mean, multivariate_normal_logpdf_cov)
_mvn_method("pdf", multivariate_normal_pdf, multivariate_normal_pdf_x,
            multivariate_normal_pdf_mean, multivariate_normal_pdf_cov)

# ---------------------------------------------------------------- dirichlet

def dirichlet_logpdf(x, alpha):
    return stats.dirichlet.logpdf(x, alpha)


def _dirichlet_x(x, alpha):
    """``x`` with its components on the first axis, completed to ``len(alpha)``
    (SciPy takes the last one as 1 - the others), and whether it was."""
    x = np.asarray(x, dtype=float)
    if x.shape[0] == np.shape(alpha)[0] - 1:
        return np.concatenate([x, 1.0 - np.sum(x, axis=0, keepdims=True)]), True
    return x, False


def _alpha_col(alpha, x):
    return np.reshape(alpha, np.shape(alpha) + (1,) * (np.ndim(x) - 1))


def dirichlet_logpdf_x(g, ans, x, alpha):
    """sum (alpha_i - 1) log x_i + gammaln(sum alpha) - sum gammaln(alpha_i),
    components on x's first axis (the last one implicit when x has K - 1)."""
    full, implicit = _dirichlet_x(x, alpha)
    d = g * (_alpha_col(alpha, full) - 1.0) / full
    return d[:-1] - d[-1:] if implicit else d


def dirichlet_logpdf_alpha(g, ans, x, alpha):
    full, _ = _dirichlet_x(x, alpha)
    per = g * (np.log(full) + sp.digamma(np.sum(alpha)) - _alpha_col(sp.digamma(alpha), full))
    return np.reshape(np.sum(per, axis=tuple(range(1, per.ndim))), np.shape(alpha))


defvjp(dirichlet_logpdf, dirichlet_logpdf_x, dirichlet_logpdf_alpha,
       name="scipy.stats.dirichlet.logpdf")
defmethod(stats.dirichlet, "logpdf", dirichlet_logpdf)
