"""Programs calling the rest of SciPy (issue 12): Bessel and incomplete-gamma
functions, distribution CDFs, LU / Cholesky factor-and-solve pairs,
``signal.convolve`` and ``integrate.odeint``.  SciPy is an optional extra:
without it there are no cases."""

import numpy as np

from . import Case

try:
    import scipy.special as sp
    from scipy import linalg as sla, signal, stats
    from scipy.integrate import odeint
except ImportError:  # pragma: no cover - CI's 3.13 venv has no SciPy
    sp = None

CASES = []

if sp is not None:
    X4 = np.array([0.3, 1.2, 2.5, 0.8])
    A3 = np.array([[3.0, 0.4, -0.2], [0.1, 2.5, 0.3], [-0.5, 0.2, 4.0]])
    B3 = np.array([0.5, -1.0, 2.0])

    def von_mises_loglik(kappa, mu, x):
        """log I0(kappa) through i0e, stable for large kappa."""
        log_i0 = np.log(sp.i0e(kappa)) + kappa
        return np.sum(kappa * np.cos(x - mu) - np.log(2.0 * np.pi) - log_i0)

    def bessel_mix(x, nu):
        return np.sum(sp.jv(nu, x) * sp.y1(x) + sp.kve(nu, x) + sp.iv(1.5, x) * sp.j0(x))

    def gamma_cdf_loss(x, scale):
        return np.sum(np.log(sp.gammainc(2.5, x / scale)) + sp.gammaincc(1.5, x * scale))

    def student_t_tail(x, loc, scale):
        return np.sum(stats.t.logcdf(x, 4.0, loc, scale) + stats.t.cdf(x, 3.0, loc, scale))

    def poisson_glm(w, k):
        rate = np.exp(0.3 * w)
        return np.sum(stats.poisson.pmf(k, rate) + np.log(stats.poisson.cdf(k, rate)))

    def chi2_and_beta(x, df):
        return np.sum(stats.chi2.logpdf(x, df) + stats.beta.cdf(x / 4.0, 2.0, 3.0)
                      + stats.gamma.cdf(x, 2.0, 0.0, df))

    def wishart_normaliser(a):
        return np.sum(sp.multigammaln(a, 3)) + np.sum(sp.rgamma(a))

    def lu_pair(a, b):
        factors = sla.lu_factor(a)
        x = sla.lu_solve(factors, b)
        p, l, u = sla.lu(a)
        return np.sum(x ** 2) + np.sum(np.log(np.abs(np.diag(u))))

    def gp_cho(w, y):
        k = w @ w.T + 2.0 * np.eye(3)
        c, low = sla.cho_factor(k, lower=True)
        alpha = sla.cho_solve((c, low), y)
        return -0.5 * np.dot(y, alpha) - np.sum(np.log(np.diag(c)))

    def sylvester_banded(a, q):
        x = sla.solve_sylvester(a, a.T, q)
        ab = np.stack([np.ones(3), 4.0 + np.diag(a), np.ones(3)])
        return np.sum(x * q) + np.sum(sla.solve_banded((1, 1), ab, q[0]))

    def smooth_fit(x, w):
        target = np.linspace(-1.0, 1.0, 6)
        return np.sum((signal.convolve(x, w, mode="same") - target) ** 2) \
            + np.sum(signal.correlate(x, w, mode="valid"))

    def _decay(y, t, k, drive):
        return -k * y + drive * np.sin(t)

    def ode_fit(k, drive, y0):
        ts = np.linspace(0.0, 1.5, 5)
        ys = odeint(_decay, y0, ts, args=(k, drive))
        return np.sum((ys - 0.5) ** 2)

    CASES = [
        Case(von_mises_loglik, [(2.0, 0.3, X4), (30.0, -0.5, X4)], wrt=(0, 1)),
        Case(bessel_mix, [(X4 + 1.0, 2.5)], wrt=(0,)),
        Case(gamma_cdf_loss, [(X4 + 0.5, 1.3)], wrt=(0, 1)),
        Case(student_t_tail, [(X4 - 1.0, 0.2, 1.4)], wrt=(0, 1, 2)),
        Case(poisson_glm, [(np.array([0.5, -1.0, 2.0, 0.1]), np.array([0.0, 1.0, 3.0, 2.0]))],
             wrt=(0,)),
        Case(chi2_and_beta, [(X4 + 0.5, 2.5)], wrt=(0, 1)),
        Case(wishart_normaliser, [(np.array([3.5, 4.2]),)]),
        Case(lu_pair, [(A3, B3)], wrt=(0, 1)),
        Case(gp_cho, [(A3, B3)], wrt=(0, 1)),
        Case(sylvester_banded, [(A3, A3.T + 1.0)], wrt=(0, 1)),
        Case(smooth_fit, [(np.linspace(0.0, 1.0, 6) ** 2, np.array([0.25, 0.5, 0.25]))],
             wrt=(0, 1)),
        Case(ode_fit, [(0.7, 0.3, np.array([1.0, -0.5]))], wrt=(0, 1, 2), rtol=1e-4,
             atol=1e-5),
    ]
