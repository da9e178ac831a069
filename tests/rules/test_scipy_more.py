"""The rest of SciPy (issue 12) through both engines: the Bessel families,
incomplete gamma and beta functions, more distribution methods, LU and
Cholesky pairs, ``signal.convolve``, ``integrate.odeint``; each against
central finite differences and, where PyTorch has the function, against
``torch.autograd``.  Refusals name the user's file.

SciPy is an optional extra: this module skips without it."""

import numpy as np
import pytest

sp = pytest.importorskip("scipy.special", reason="SciPy is an optional extra: not installed")

from scipy import linalg as sla, signal, stats  # noqa: E402
from scipy.integrate import odeint  # noqa: E402

import srcgrad  # noqa: E402
from srcgrad.testing import numeric_grad  # noqa: E402

RNG = np.random.default_rng(12)
X = RNG.uniform(1.3, 4.0, 5)
W = RNG.normal(size=5)


def _close(got, f, args, wrt, rtol=1e-5, atol=1e-7):
    got = got if isinstance(wrt, tuple) else (got,)
    for i, g in zip(wrt if isinstance(wrt, tuple) else (wrt,), got):
        np.testing.assert_allclose(g, numeric_grad(f, list(args), i), rtol=rtol, atol=atol)


# ----------------------------------------- ufuncs: both engines, and torch

def _torch_grad(name, x):
    torch = pytest.importorskip("torch")
    t = torch.tensor(x, requires_grad=True)
    (getattr(torch.special, name)(t) * torch.tensor(W)).sum().backward()
    return t.grad.numpy()


#: torch differentiates these (its bessel_j0, modified_bessel_k0... have no derivative)
TORCH_PAIRS = [(sp.i0e, "i0e"), (sp.i1e, "i1e"), (sp.erfcx, "erfcx"), (sp.i0, "i0"),
               (sp.i1, "i1")]


@pytest.mark.parametrize("fn,name", TORCH_PAIRS, ids=[n for _, n in TORCH_PAIRS])
@pytest.mark.parametrize("mode", ["compile", "tape"])
def test_special_ufunc_matches_torch_and_finite_differences(fn, name, mode):
    def f(x):
        return np.sum(W * fn(x))
    got = srcgrad.grad(f, mode=mode)(X)
    np.testing.assert_allclose(got, _torch_grad(name, X), rtol=1e-6, atol=1e-9)
    _close(got, f, (X,), 0)


@pytest.mark.parametrize("fn", [sp.j0, sp.j1, sp.y0, sp.y1, sp.k0, sp.k1, sp.k0e, sp.k1e,
                                sp.log_expit], ids=lambda f: f.__name__)
@pytest.mark.parametrize("mode", ["compile", "tape"])
def test_special_ufunc_finite_differences(fn, mode):
    def f(x):
        return np.sum(W * fn(x))
    _close(srcgrad.grad(f, mode=mode)(X), f, (X,), 0)


def orders(x, nu):
    return np.sum(W * (sp.jv(nu, x) + sp.yv(nu, x) + sp.iv(nu, x) + sp.ive(nu, x)
                       + sp.kv(nu, x) + sp.kve(nu, x) + sp.yn(2, x)))


def incomplete(x, u):
    return np.sum(W * (sp.gammainc(2.5, x) - sp.gammaincc(0.7, x) + sp.betainc(2.0, 3.0, u)
                       + sp.betaincc(1.5, 0.5, u)))


def gamma_family(x):
    return np.sum(W * (sp.rgamma(x) + sp.loggamma(x) + sp.gammasgn(x - 2.0) * x))


@pytest.mark.parametrize("mode", ["compile", "tape"])
def test_bessel_orders_wrt_x(mode):
    _close(srcgrad.grad(orders, mode=mode)(X, 2.5), orders, (X, 2.5), 0)


@pytest.mark.parametrize("mode", ["compile", "tape"])
def test_incomplete_gamma_and_beta_wrt_x(mode):
    u = RNG.uniform(0.1, 0.9, 5)
    _close(srcgrad.grad(incomplete, wrt=(0, 1), mode=mode)(X, u), incomplete, (X, u), (0, 1))


@pytest.mark.parametrize("mode", ["compile", "tape"])
def test_gamma_family(mode):
    _close(srcgrad.grad(gamma_family, mode=mode)(X), gamma_family, (X,), 0)


def test_gammainc_matches_torch():
    torch = pytest.importorskip("torch")
    t = torch.tensor(X, requires_grad=True)
    (torch.special.gammainc(torch.tensor(2.5, dtype=torch.float64), t)
     * torch.tensor(W)).sum().backward()
    got = srcgrad.grad(lambda x: np.sum(W * sp.gammainc(2.5, x)), mode="tape")(X)
    np.testing.assert_allclose(got, t.grad.numpy(), rtol=1e-6)


def test_multigammaln_matches_torch():
    torch = pytest.importorskip("torch")
    a = np.array([2.5, 3.5, 4.0])
    t = torch.tensor(a, requires_grad=True)
    torch.special.multigammaln(t, 3).sum().backward()
    got = srcgrad.grad(lambda v: np.sum(sp.multigammaln(v, 3)), mode="compile")(a)
    np.testing.assert_allclose(got, t.grad.numpy(), rtol=1e-7)


def loggamma_abs2(z):
    w = sp.loggamma(z)
    return np.sum(np.real(w) ** 2 + np.real(w))


@pytest.mark.parametrize("mode", ["compile", "tape"])
def test_loggamma_of_a_complex_argument(mode):
    """PyTorch's convention: the cotangent is dL/dx + i dL/dy."""
    z = np.array([1.5 + 0.5j, 2.0 - 1.0j])
    got = srcgrad.grad(loggamma_abs2, mode=mode)(z)
    eps, want = 1e-6, np.zeros(2, dtype=complex)
    for k in range(2):
        for unit in (1.0, 1j):
            d = np.zeros(2, dtype=complex)
            d[k] = eps * unit
            slope = (loggamma_abs2(z + d) - loggamma_abs2(z - d)) / (2 * eps)
            want[k] += slope * unit
    np.testing.assert_allclose(got, want, rtol=1e-6)


# --------------------------------- refusals: a differentiated order or shape

def order_differentiated(nu):
    return np.sum(sp.iv(nu, X))


def shape_differentiated(a):
    return np.sum(sp.gammainc(a, X))


@pytest.mark.parametrize("f", [order_differentiated, shape_differentiated])
@pytest.mark.parametrize("mode", ["compile", "tape"])
def test_a_differentiated_order_is_refused_not_zero(f, mode):
    with pytest.raises((SyntaxError, NotImplementedError)) as info:
        srcgrad.grad(f, mode=mode)(np.array([1.5, 2.5, 3.0, 1.0, 0.5]))
    assert "test_scipy_more.py" in str(info.value)


def t_cdf_df(df):
    return np.sum(stats.t.cdf(X, df))


def test_a_differentiated_df_of_a_cdf_is_refused():
    with pytest.raises(SyntaxError) as info:
        srcgrad.grad(t_cdf_df, mode="compile")(3.0)
    assert "test_scipy_more.py" in str(info.value)
    assert "scipy.stats.t.cdf has no derivative rule for its argument 2" in str(info.value)


# ------------------------------------------- distributions (compiled; auto)

def cdfs(x, loc, scale):
    return (np.sum(stats.t.logcdf(x, 4.0, loc, scale) + stats.gamma.cdf(x, 2.0, loc, scale))
            + np.sum(stats.beta.pdf(x / 5.0, 2.0, 3.0) + stats.chi2.cdf(x, 3.0, loc, scale))
            + np.sum(stats.chi2.logpdf(x, 2.5) * stats.gamma.pdf(x, 1.5)))


@pytest.mark.parametrize("mode", ["compile", "auto"])
def test_distribution_cdfs_wrt_x_loc_scale(mode):
    _close(srcgrad.grad(cdfs, wrt=(0, 1, 2), mode=mode)(X, 0.2, 1.3), cdfs, (X, 0.2, 1.3),
           (0, 1, 2))


def counts(log_rate, k):
    rate = np.exp(log_rate)
    return np.sum(stats.poisson.pmf(k, rate) * stats.poisson.cdf(k, rate))


@pytest.mark.parametrize("mode", ["compile", "auto"])
def test_poisson_pmf_cdf_wrt_rate(mode):
    k = np.array([0.0, 1.0, 4.0, 2.0, 7.0])
    _close(srcgrad.grad(counts, mode=mode)(np.log(X), k), counts, (np.log(X), k), 0)


def test_normal_cdf_matches_torch():
    torch = pytest.importorskip("torch")
    tx = torch.tensor(X, requires_grad=True)
    tl = torch.tensor(0.3, dtype=torch.float64, requires_grad=True)
    ts = torch.tensor(1.7, dtype=torch.float64, requires_grad=True)
    torch.distributions.Normal(tl, ts).cdf(tx).sum().backward()
    got = srcgrad.grad(lambda x, m, s: np.sum(stats.norm.cdf(x, m, s)), wrt=(0, 1, 2),
                       mode="compile")(X, 0.3, 1.7)
    for g, t in zip(got, (tx, tl, ts)):
        np.testing.assert_allclose(g, t.grad.numpy(), rtol=1e-7)


@pytest.mark.parametrize("method,args,wrt", [
    (stats.norm.pdf, (X, 0.3, 1.7), (0, 1, 2)),
    (stats.t.logpdf, (X, 3.5, 0.2, 1.4), (0, 1, 2, 3)),
    (stats.chi2.cdf, (X, 3.0), (0,)),
    (stats.poisson.logpmf, (np.array([0.0, 1.0, 4.0, 2.0, 7.0]), X), (1,)),
    (stats.dirichlet.pdf, (np.array([0.2, 0.3, 0.5]), np.array([1.5, 2.0, 3.0])), (1,)),
], ids=["norm.pdf", "t.logpdf", "chi2.cdf", "poisson.logpmf", "dirichlet.pdf"])
@pytest.mark.parametrize("mode", ["compile", "tape"])
def test_grad_of_a_distribution_method_itself(method, args, wrt, mode):
    """vjp(scipy.stats.norm.pdf, ...): the method's stand-in primitive, in every mode."""
    ans, pullback = srcgrad.vjp(method, *args, wrt=wrt, mode=mode)
    got = pullback(np.ones_like(ans))

    def total(*a):
        return np.sum(method(*a))
    _close(got, total, args, wrt)
    if np.ndim(ans) == 0:   # grad of the method itself
        _close(srcgrad.grad(method, wrt=wrt, mode=mode)(*args), total, args, wrt)


def mvn_entropy(cov):
    return stats.multivariate_normal.entropy(None, cov @ cov.T + np.eye(3))


@pytest.mark.parametrize("mode", ["compile", "auto"])
def test_mvn_entropy(mode):
    c = RNG.normal(size=(3, 3))
    _close(srcgrad.grad(mvn_entropy, mode=mode)(c), mvn_entropy, (c,), 0)


# ------------------------------------------------------- scipy.linalg pairs

A3 = np.array([[3.0, 0.4, -0.2], [0.1, 2.5, 0.3], [-0.5, 0.2, 4.0]])
B3 = np.array([0.5, -1.0, 2.0])


def factor_solve(a, b):
    x = sla.lu_solve(sla.lu_factor(a), b) + sla.lu_solve(sla.lu_factor(a), b, trans=1)
    k = a @ a.T + np.eye(3)
    y = sla.cho_solve(sla.cho_factor(k), b)
    p, l, u = sla.lu(a)
    return np.sum(x * y) + np.sum(l * u) + np.sum(sla.solve_sylvester(a, a.T, np.outer(b, b)))


@pytest.mark.parametrize("mode", ["compile", "auto"])
def test_factor_and_solve_pairs(mode):
    _close(srcgrad.grad(factor_solve, wrt=(0, 1), mode=mode)(A3, B3), factor_solve, (A3, B3),
           (0, 1))


def test_lu_solve_matches_torch():
    torch = pytest.importorskip("torch")
    ta = torch.tensor(A3, requires_grad=True)
    tb = torch.tensor(B3, requires_grad=True)
    lu, piv = torch.linalg.lu_factor(ta)
    torch.linalg.lu_solve(lu, piv, tb[:, None]).pow(2).sum().backward()
    got = srcgrad.grad(lambda a, b: np.sum(sla.lu_solve(sla.lu_factor(a), b) ** 2),
                       wrt=(0, 1), mode="compile")(A3, B3)
    np.testing.assert_allclose(got[0], ta.grad.numpy(), rtol=1e-7)
    np.testing.assert_allclose(got[1], tb.grad.numpy(), rtol=1e-7)


def banded(ab, b):
    return np.sum(np.arange(4.0) * sla.solve_banded((1, 2), ab, b))


@pytest.mark.parametrize("mode", ["compile", "auto"])
def test_solve_banded(mode):
    ab = RNG.normal(size=(4, 4)) + [[0], [0], [4], [0]]
    _close(srcgrad.grad(banded, wrt=(0, 1), mode=mode)(ab, B3[:1].repeat(4)), banded,
           (ab, B3[:1].repeat(4)), (0, 1))


# ------------------------------------------------------------ scipy.signal

def smoothing(x, w):
    return np.sum(signal.convolve(x, w, mode="same") ** 2) + np.sum(
        signal.correlate(x, w, mode="valid") * np.arange(3.0))


@pytest.mark.parametrize("mode", ["compile", "auto"])
def test_convolve_and_correlate(mode):
    x, w = RNG.normal(size=5), RNG.normal(size=3)
    _close(srcgrad.grad(smoothing, wrt=(0, 1), mode=mode)(x, w), smoothing, (x, w), (0, 1))


def test_convolve_matches_torch_conv1d():
    """torch's conv1d is a correlation: convolve(x, w, "valid") = conv1d(x, flip(w))."""
    torch = pytest.importorskip("torch")
    x, w = RNG.normal(size=7), RNG.normal(size=3)
    tx, tw = torch.tensor(x, requires_grad=True), torch.tensor(w, requires_grad=True)
    out = torch.nn.functional.conv1d(tx[None, None], tw.flip(0)[None, None])
    (out ** 3).sum().backward()
    got = srcgrad.grad(lambda a, b: np.sum(signal.convolve(a, b, mode="valid") ** 3),
                       wrt=(0, 1), mode="compile")(x, w)
    np.testing.assert_allclose(got[0], tx.grad.numpy(), rtol=1e-7)
    np.testing.assert_allclose(got[1], tw.grad.numpy(), rtol=1e-7)


def complex_conv(z):
    w = signal.convolve(z, np.array([1.0 - 0.5j, 0.3j]), mode="full")
    return np.sum(np.real(w) ** 2 * np.arange(1.0, 5.0))


def test_convolve_of_a_complex_signal():
    z = np.array([0.5 + 1.0j, -0.3 + 0.2j, 1.1 - 0.7j])
    got = srcgrad.grad(complex_conv, mode="compile")(z)
    eps, want = 1e-6, np.zeros(3, dtype=complex)
    for k in range(3):
        for unit in (1.0, 1j):
            d = np.zeros(3, dtype=complex)
            d[k] = eps * unit
            want[k] += unit * (complex_conv(z + d) - complex_conv(z - d)) / (2 * eps)
    np.testing.assert_allclose(got, want, rtol=1e-6)


# ------------------------------------------------------ scipy.integrate.odeint

def _rhs(y, t, k, drive):
    return -k * y + drive * np.sin(t)


def ode_loss(k, drive, y0, ts):
    return np.sum(odeint(_rhs, y0, ts, args=(k, drive)) ** 2)


@pytest.mark.parametrize("mode", ["compile", "auto"])
def test_odeint_wrt_args_y0_and_times(mode):
    args = (0.7, np.array([0.3, -0.2]), np.array([1.0, -0.5]), np.array([0.0, 0.4, 1.1, 1.5]))
    got = srcgrad.grad(ode_loss, wrt=(0, 1, 2, 3), mode=mode)(*args)
    _close(got, ode_loss, args, (0, 1, 2, 3), rtol=1e-4, atol=1e-6)


def _net_rhs(y, t, layers):
    h = y
    for W, b in layers:
        h = np.tanh(h @ W + b)
    return h


def ode_net_loss(layers, y0, ts):
    """HIPS autograd's ode_net: the parameters reach odeint as a tree (a list
    of (W, b) pairs inside args), which the rule flattens and rebuilds."""
    pred = odeint(_net_rhs, y0, ts, (layers,), rtol=1e-10, atol=1e-10)
    return np.sum(pred ** 2)


@pytest.mark.parametrize("mode", ["compile", "auto"])
def test_odeint_with_a_tree_of_parameters_in_args(mode):
    rng = np.random.RandomState(0)
    layers = [(rng.randn(2, 3) * 0.5, rng.randn(3) * 0.1),
              (rng.randn(3, 2) * 0.5, rng.randn(2) * 0.1)]
    y0, ts = np.array([1.0, -0.5]), np.linspace(0.0, 1.0, 4)
    got = srcgrad.grad(ode_net_loss, mode=mode)(layers, y0, ts)
    for k in range(2):
        for j in range(2):
            def along(v, k=k, j=j):
                new = [list(pair) for pair in layers]
                new[k][j] = v
                return ode_net_loss([tuple(pair) for pair in new], y0, ts)
            np.testing.assert_allclose(got[k][j], numeric_grad(along, (layers[k][j],), 0),
                                       rtol=1e-5, atol=1e-7)


def test_odeint_matches_the_closed_form():
    """y' = -k y: y(t) = y0 exp(-k t), d/dk sum y = -sum t y0 exp(-k t)."""
    ts = np.linspace(0.0, 2.0, 5)
    got = srcgrad.grad(lambda k: np.sum(odeint(lambda y, t, kk: -kk * y, 1.5, ts, args=(k,))),
                       mode="auto")(0.8)
    np.testing.assert_allclose(got, -np.sum(ts * 1.5 * np.exp(-0.8 * ts)), rtol=1e-5)


def test_vjp_of_odeint_itself():
    """autograd's test_odeint call form: odeint is the function differentiated."""
    y0, ts, a = np.array([0.2, -0.4]), np.array([0.1, 0.15, 0.2]), (0.5, np.array([1.0, 2.0]))
    for mode in ("compile", "tape"):
        ans, pullback = srcgrad.vjp(odeint, _rhs, y0, ts, a, wrt=(1, 2, 3), mode=mode)
        g = np.ones_like(ans)
        gy0, gts, (gk, gd) = pullback(g)
        np.testing.assert_allclose(gy0, numeric_grad(lambda y: np.sum(odeint(_rhs, y, ts, a)),
                                                     [y0], 0), rtol=1e-4)
        np.testing.assert_allclose(gk, numeric_grad(
            lambda k: np.sum(odeint(_rhs, y0, ts, (k, a[1]))), [0.5], 0), rtol=1e-4)


def ode_closure(k, y0):
    def rhs(y, t):
        return -k * y
    return np.sum(odeint(rhs, y0, np.array([0.0, 1.0])))


def ode_full_output(y0):
    ys, info = odeint(_rhs, y0, np.array([0.0, 1.0]), args=(0.5, 0.1), full_output=True)
    return np.sum(ys)


@pytest.mark.parametrize("mode", ["compile", "auto"])
def test_odeint_refusals_name_the_users_file(mode):
    """A function capturing a differentiated value (no gradient would reach k
    through it) and full_output are refused."""
    with pytest.raises((SyntaxError, NotImplementedError, TypeError)) as info:
        srcgrad.grad(ode_closure, mode=mode)(0.5, np.array([1.0, 2.0]))
    assert "test_scipy_more.py" in str(info.value)
    with pytest.raises((SyntaxError, NotImplementedError, TypeError)) as info:
        srcgrad.grad(ode_full_output, mode=mode)(np.array([1.0, 2.0]))
    assert "test_scipy_more.py" in str(info.value)


# ------------------------------------------------ docs/supported.md's rows

def supported_rest_of_scipy(a, x, w, s):
    return np.sum(sla.lu_solve(sla.lu_factor(a), x)) + np.sum(
        signal.convolve(x, w, mode="same") * sp.iv(1.5, x)) + np.sum(stats.t.cdf(x, 4.0, 0.0, s))


def supported_odeint(k, drive, y0):
    ts = np.array([0.0, 0.5, 1.0])
    ys = odeint(_rhs, y0, ts, args=(k, drive))
    return np.sum(ys ** 2)


@pytest.mark.parametrize("mode", ["compile", "auto"])
def test_supported_md_rows(mode):
    args = (A3, np.array([0.5, 1.5, 2.5]), np.array([0.2, 0.5, 0.3]), 1.4)
    _close(srcgrad.grad(supported_rest_of_scipy, wrt=(0, 1, 2, 3), mode=mode)(*args),
           supported_rest_of_scipy, args, (0, 1, 2, 3))
    args = (0.7, 0.3, np.array([1.0, -0.5]))
    _close(srcgrad.grad(supported_odeint, wrt=(0, 1, 2), mode=mode)(*args), supported_odeint,
           args, (0, 1, 2), rtol=1e-4, atol=1e-6)


def iv_order(nu):
    return np.sum(sp.iv(nu, X))


def test_supported_md_refusal_row():
    with pytest.raises(SyntaxError) as info:
        srcgrad.grad(iv_order, mode="compile")(1.5)
    assert "scipy.special.iv has no derivative rule for its argument 1 (v), which depends on the " \
        "differentiated arguments (nu)" in str(info.value)
    assert "test_scipy_more.py" in str(info.value)
