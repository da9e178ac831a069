"""SciPy's rules through both engines, on the call forms real programs use
(HIPS autograd's examples: ``norm.logpdf(x, loc, scale)``, ``mvn.logpdf(x,
mean, cov)``, ``logsumexp(a, axis=1, keepdims=True)``...), against central
finite differences; and right-or-loud for what has no rule.

SciPy is an optional extra: this module skips without it."""

import os
import subprocess
import sys

import numpy as np
import pytest

sp = pytest.importorskip("scipy.special", reason="SciPy is an optional extra: not installed")

from scipy.stats import norm, t, multivariate_normal as mvn  # noqa: E402
from scipy.stats import gamma as gamma_dist, poisson  # noqa: E402
from scipy.special import logsumexp, gammaln  # noqa: E402

import srcgrad  # noqa: E402
from srcgrad.testing import numeric_grad  # noqa: E402

ENGINES = ["compile", "auto"]
RNG = np.random.default_rng(0)
X = RNG.normal(size=(5, 3))
W = RNG.normal(size=(3, 4))


def _check(f, args, wrt, mode, rtol=1e-5, atol=1e-7):
    got = srcgrad.grad(f, wrt=wrt, mode=mode)(*args)
    got = got if isinstance(wrt, tuple) else (got,)
    for i, g in zip(wrt if isinstance(wrt, tuple) else (wrt,), got):
        want = numeric_grad(f, list(args), i)
        np.testing.assert_allclose(g, want, rtol=rtol, atol=atol)


# ------------------------------------------------------ programs (compiler)

def neural_net_loglik(w, x):
    """neural_net.py: log-softmax outputs through logsumexp(axis=1, keepdims=True)."""
    out = np.tanh(x @ w)
    return np.sum(out - logsumexp(out, axis=1, keepdims=True))


def gaussian_loglik(x, loc, scale):
    return np.sum(norm.logpdf(x, loc, scale))


def gaussian_cdf_terms(x, loc, scale):
    return np.sum(norm.cdf(x, loc, scale) + norm.logcdf(x, loc, scale) * norm.pdf(x, loc))


def student_t_loglik(x, df, scale):
    return np.sum(t.logpdf(x, df, 0.1, scale))


def mvn_loglik(x, mean, cov):
    """gaussian_process.py / black_box_svi.py call forms."""
    return np.sum(mvn.logpdf(x, mean, cov))


def mvn_diag(x, mean, var):
    return np.sum(mvn.logpdf(x, mean, np.diag(var)))


def negbin_loglik(r, p, k):
    """negative_binomial_maxlike.py: gammaln of parameters."""
    return np.sum(gammaln(r + k) - gammaln(r) + k * np.log(p) + r * np.log1p(-p))


def gamma_poisson(x, a, mu):
    return np.sum(gamma_dist.logpdf(x, a, 0.0, 2.0)) + np.sum(poisson.logpmf(3, mu))


@pytest.mark.parametrize("mode", ENGINES)
def test_logsumexp_keepdims_in_a_network(mode):
    _check(neural_net_loglik, (W, X), (0,), mode)


@pytest.mark.parametrize("mode", ENGINES)
def test_norm_logpdf_wrt_x_loc_scale(mode):
    _check(gaussian_loglik, (X, np.array([0.1, -0.2, 0.3]), 1.7), (0, 1, 2), mode)


@pytest.mark.parametrize("mode", ENGINES)
def test_norm_cdf_logcdf_pdf(mode):
    _check(gaussian_cdf_terms, (X, 0.2, np.array([[1.5], [0.7], [1.0], [2.0], [1.2]])),
           (0, 1, 2), mode)


@pytest.mark.parametrize("mode", ENGINES)
def test_t_logpdf_wrt_x_df_scale(mode):
    _check(student_t_loglik, (X, 3.5, 1.3), (0, 1, 2), mode)


def _spd(n):
    m = RNG.normal(size=(n, n))
    return m @ m.T + n * np.eye(n)


def _sym(f):
    """The gradient wrt a covariance is the symmetric one: compare on
    symmetric directions (scipy reads one triangle)."""
    def g(x, mean, c):
        return f(x, mean, 0.5 * (c + c.T))
    return g


@pytest.mark.parametrize("mode", ENGINES)
def test_mvn_logpdf_wrt_x_mean_cov(mode):
    cov = _spd(3)
    f = mvn_loglik
    got = srcgrad.grad(f, wrt=(0, 1, 2), mode=mode)(X, np.array([0.1, 0.0, -0.3]), cov)
    args = [X, np.array([0.1, 0.0, -0.3]), cov]
    np.testing.assert_allclose(got[0], numeric_grad(f, args, 0), rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(got[1], numeric_grad(f, args, 1), rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(got[2], numeric_grad(_sym(f), args, 2), rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("mode", ENGINES)
def test_mvn_logpdf_of_one_vector_with_diag_cov(mode):
    _check(mvn_diag, (X[0], np.zeros(3), np.array([1.0, 2.0, 0.5])), (0, 1, 2), mode)


@pytest.mark.parametrize("mode", ENGINES)
def test_gammaln_of_parameters(mode):
    _check(negbin_loglik, (2.5, 0.3, np.array([0.0, 1.0, 4.0, 7.0])), (0, 1), mode)


@pytest.mark.parametrize("mode", ENGINES)
def test_gamma_logpdf_and_poisson_logpmf(mode):
    _check(gamma_poisson, (np.array([0.5, 1.0, 3.0]), 2.5, 1.7), (0, 1, 2), mode)


# ------------------------------------------- the tape: scipy.special ufuncs

def special_ufuncs(x, y):
    return np.sum(sp.gammaln(x) + sp.erf(y) * sp.expit(x) + sp.xlogy(x, y + 3.0)
                  + sp.i0e(y) + sp.log_ndtr(y))


@pytest.mark.parametrize("mode", ["tape", "compile", "auto"])
def test_special_ufuncs_in_every_engine(mode):
    x = RNG.uniform(0.5, 2.0, size=(2, 3))
    y = RNG.normal(size=3)
    _check(special_ufuncs, (x, y), (0, 1), mode)


def tape_logsumexp(x):
    return np.sum(logsumexp(x, axis=0))


def test_python_level_scipy_function_on_the_tape_is_loud():
    """logsumexp is a Python function converting its argument with
    np.asarray: the tape cannot see it, and says so at the user's line."""
    with pytest.raises(Exception) as info:
        srcgrad.grad(tape_logsumexp, mode="tape")(X)
    assert "test_scipy_rules.py" in str(info.value)
    assert "inside scipy.special.logsumexp, which has a derivative rule" in str(info.value)


def tape_norm_logpdf(x):
    return np.sum(norm.logpdf(x, 0.5, 2.0))


def test_distribution_method_on_the_tape_is_loud():
    with pytest.raises(Exception) as info:
        srcgrad.grad(tape_norm_logpdf, mode="tape")(X)
    assert "test_scipy_rules.py" in str(info.value)
    assert "inside scipy.stats.norm.logpdf" in str(info.value)


# ------------------------------------------------------------ right or loud

def uses_zeta(x):
    return np.sum(sp.zeta(x, 1.0))


def uses_rvs(loc):
    return np.sum(norm.rvs(loc, 1.0, size=3, random_state=0))


def uses_ppf(x):
    return np.sum(norm.ppf(x))


@pytest.mark.parametrize("f", [uses_zeta, uses_rvs, uses_ppf])
@pytest.mark.parametrize("mode", ["compile", "tape"])
def test_scipy_without_a_rule_is_refused_at_the_users_line(f, mode):
    x = np.array([2.0, 3.0]) if f is not uses_ppf else np.array([0.2, 0.7])
    with pytest.raises((SyntaxError, NotImplementedError, TypeError)) as info:
        srcgrad.grad(f, mode=mode)(x)
    assert "test_scipy_rules.py" in str(info.value)


def test_import_srcgrad_does_not_import_scipy():
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    out = subprocess.run([sys.executable, "-c", "import sys, srcgrad; "
                          "print(any(m.split('.')[0] == 'scipy' for m in sys.modules))"],
                         capture_output=True, text=True, env=dict(os.environ, PYTHONPATH=root))
    assert out.stdout.strip() == "False", out.stderr


# ------------------------------------------- docs/supported.md's SciPy row

def supported_row(x, mu, log_s):
    return np.sum(norm.logpdf(x, mu, np.exp(log_s))) - logsumexp(x) + np.sum(gammaln(x * x + 1.0))


@pytest.mark.parametrize("mode", ENGINES)
def test_supported_md_scipy_example(mode):
    _check(supported_row, (np.array([0.3, -1.2, 2.0]), 0.4, -0.2), (0, 1, 2), mode)


# ------------------------------------------------- scipy.linalg in programs

from scipy import linalg as sla  # noqa: E402


def gp_style(a, y):
    """A Cholesky-based Gaussian log-likelihood, as a GP program writes it."""
    k = a @ a.T + 3.0 * np.eye(3)
    L = sla.cholesky(k, lower=True)
    alpha = sla.solve_triangular(L, y, lower=True)
    return -0.5 * np.sum(alpha ** 2) - np.sum(np.log(np.diag(L))) + np.trace(sla.expm(0.1 * k))


@pytest.mark.parametrize("mode", ENGINES)
def test_linalg_in_a_program(mode):
    _check(gp_style, (RNG.normal(size=(3, 3)), RNG.normal(size=3)), (0, 1), mode)


def grad_of_grad_gammaln(r):
    return np.sum(gammaln(r + 2.0) - gammaln(r))


@pytest.mark.parametrize("mode", ["auto", "tape"])
def test_second_derivative_through_gammaln(mode):
    """negative_binomial_maxlike.py takes grad(grad(f)) (higher order runs on the
    tape): the tape differentiates gammaln's rule, digamma, by polygamma's."""
    d1 = srcgrad.grad(grad_of_grad_gammaln, mode=mode)
    d2 = srcgrad.grad(d1, mode=mode)
    r = 1.7
    want = (sp.polygamma(1, r + 2.0) - sp.polygamma(1, r))
    np.testing.assert_allclose(d2(r), want, rtol=1e-7)


# ---------------------------------------- right or loud over scipy.special

def test_no_scipy_special_function_is_silently_constant():
    """Every ufunc of scipy.special either has a rule or is unknown to the
    table (then both engines refuse it on a differentiated value): none is
    declared non-differentiable."""
    import srcgrad.rules as rules
    ufuncs = [getattr(sp, n) for n in dir(sp) if isinstance(getattr(sp, n), np.ufunc)]
    assert len(ufuncs) > 100
    assert not [u.__name__ for u in ufuncs if rules.is_nondiff(u)]
    assert sum(rules.has_rule(u) for u in ufuncs) >= 20


def uses_gammainc(x):
    """A differentiated shape a: the derivative exists, srcgrad has no rule (NO_RULE)."""
    return np.sum(sp.gammainc(x, 2.0))


def uses_kv(x):
    """A differentiated real order: refused, not a zero gradient."""
    return np.sum(sp.kv(x, 1.5))


def uses_ellipk(x):
    return np.sum(sp.ellipk(x * 0.1))


def uses_odeint(y0):
    """odeint has rules now (test_scipy_more.py); an unnamed lambda as its
    function is still refused (compile), and the tape cannot see into it."""
    from scipy.integrate import odeint
    return np.sum(odeint(lambda y, t: -y, y0, np.array([0.0, 1.0])))


@pytest.mark.parametrize("f", [uses_gammainc, uses_kv, uses_ellipk, uses_odeint])
@pytest.mark.parametrize("mode", ["compile", "tape"])
def test_more_scipy_without_rules_refused(f, mode):
    with pytest.raises((SyntaxError, NotImplementedError, TypeError)) as info:
        srcgrad.grad(f, mode=mode)(np.array([2.0, 3.0]))
    assert "test_scipy_rules.py" in str(info.value)


def test_lazy_loading_is_thread_safe():
    """Eight threads miss on SciPy functions at once, right after the program
    imported SciPy: each sees the rules (loaded once)."""
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    code = (
        "import threading, srcgrad.rules as r, scipy.special as sp, scipy.stats as st\n"
        "out = []\n"
        "def work():\n"
        "    out.append((r.has_rule(sp.gammaln), r.method(st.norm, 'logpdf') is not None,\n"
        "                r.has_rule(sp.logsumexp)))\n"
        "ts = [threading.Thread(target=work) for _ in range(8)]\n"
        "[t.start() for t in ts]; [t.join() for t in ts]\n"
        "print(out == [(True, True, True)] * 8)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=dict(os.environ, PYTHONPATH=root))
    assert out.stdout.strip() == "True", out.stderr


# -------------------------- every scipy.special ufunc rule, on the tape

def _ufunc_rows():
    from rules_checker import C
    from rules_spec import ROWS, make_args
    out = []
    for k, row in enumerate(ROWS):
        if isinstance(row.fn, np.ufunc) and srcgrad.rules.qualname(row.fn).startswith("scipy."):
            for j, case in enumerate(row.cases):
                args = make_args(row, case, 7000 + 10 * k + j)
                if not any(isinstance(a, C) for a in args) and \
                        all(isinstance(a, np.ndarray) and a.ndim for a in args):
                    out.append(pytest.param(row.fn, args, id="%s-%d" % (row.fn.__name__, j)))
    return out


@pytest.mark.parametrize("fn,args", _ufunc_rows())
def test_special_ufunc_rules_on_the_tape(fn, args):
    u = np.random.default_rng(1).normal(size=np.broadcast(*args).shape)

    if len(args) == 1:
        def f(a):
            return np.real(np.sum(u * fn(a)))     # real for the complex rows too
    else:
        def f(a, b):
            return np.real(np.sum(u * fn(a, b)))
    wrt = tuple(range(len(args)))
    got = srcgrad.grad(f, wrt=wrt, mode="tape")(*args)
    for i in wrt:
        np.testing.assert_allclose(got[i], numeric_grad(f, list(args), i), rtol=1e-5, atol=1e-7)
