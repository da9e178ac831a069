"""Rules for multivariate ``scipy.stats`` distributions: multivariate_normal
and dirichlet (SciPy is an optional extra).

Part of the ``scipy.stats`` rules (:mod:`srcgrad.rules.scipy_stats` explains
the stand-ins: ``multivariate_normal_logpdf`` is what the compiler resolves ``stats.multivariate_normal.logpdf`` to).
"""

import numpy as np
import scipy.special as sp
from scipy import stats

from . import defmethod, defvjp

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


def multivariate_normal_entropy(mean=None, cov=1):
    return stats.multivariate_normal.entropy(mean, cov)


def multivariate_normal_entropy_cov(g, ans, mean=None, cov=1):
    """0.5 log det(2 pi e cov): 0.5 g cov^-1 (the symmetric gradient); none
    flows to mean, which the entropy does not depend on."""
    cov = np.asarray(cov, dtype=float)
    if cov.ndim == 0:
        dim = max(np.size(mean), 1) if mean is not None else 1
        return 0.5 * g * dim / cov
    if cov.ndim == 1:
        return 0.5 * g / cov
    return 0.5 * g * np.linalg.pinv(cov, hermitian=True)


_mvn_method("entropy", multivariate_normal_entropy, None, multivariate_normal_entropy_cov)

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


def dirichlet_pdf(x, alpha):
    return stats.dirichlet.pdf(x, alpha)


def dirichlet_pdf_x(g, ans, x, alpha):
    """The log density's rules, times the density."""
    return dirichlet_logpdf_x(g * ans, None, x, alpha)


def dirichlet_pdf_alpha(g, ans, x, alpha):
    return dirichlet_logpdf_alpha(g * ans, None, x, alpha)


defvjp(dirichlet_pdf, dirichlet_pdf_x, dirichlet_pdf_alpha, name="scipy.stats.dirichlet.pdf")
defmethod(stats.dirichlet, "pdf", dirichlet_pdf)
