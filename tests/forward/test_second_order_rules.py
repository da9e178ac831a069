"""Second derivatives through primitives whose JVP the compiler could not
read again (issue 11): JVPs derived by transposing the VJP (builtin
``max``/``min``, ``lstsq``, ``cond``, ``trapezoid``'s ``x``, SciPy's
factorizations and solvers), elementwise JVPs called by name (``np.interp``'s
``x``, ``poisson.pmf``'s ``mu``), and explicit JVP rules that imported inside
their body or called a helper the compiler cannot read (``qr``, ``pinv``,
``eigvals``, SciPy's ``logsumexp``, ``cholesky``, ``expm``, ``sqrtm``,
``solve``, ``solve_triangular``).

``hvp(f, mode="compile")`` is checked against central differences of the
gradient computed on the tape (an independent engine), and the tape's own
``hvp`` where it can differentiate the primitive twice; JAX is a second
oracle where installed.  What stays refused is refused by name.
"""

import numpy as np
import pytest

import srcgrad
from srcgrad.testing import numeric_grad

sl = pytest.importorskip("scipy.linalg", reason="the SciPy rows need scipy")
import scipy.special as ss  # noqa: E402
import scipy.stats as stats  # noqa: E402

RNG = np.random.default_rng(20)
M = RNG.standard_normal((3, 3)) * 0.4
TALL = RNG.standard_normal((5, 3))
B5 = RNG.standard_normal(5)
B3 = RNG.standard_normal(3)
SPD = np.eye(3) * 3.0


def spd(a):
    return a @ a.T + SPD


# ---------------------------------------------------------------- by transposition

def two_maxima(x):
    return max(x[0] * x[1], np.sin(x[2])) ** 2 + min(x[0], x[2]) * x[1]


def least_squares(a):
    x, res, rank, sv = np.linalg.lstsq(a, B5, rcond=None)
    return np.sum(x ** 2) + np.sum(res) + np.sum(sv)


def condition(a):
    return np.linalg.cond(a + SPD) ** 2


def integral(x):
    return np.trapezoid(np.sin(x), np.cumsum(np.exp(x)))


def cho_pair(a):
    c, low = sl.cho_factor(spd(a), lower=True)
    return np.sum(sl.cho_solve((c, low), B3) ** 2) + np.sum(np.log(np.diag(c)))


def sylvester(a):
    return np.sum(sl.solve_sylvester(a + SPD, (a + SPD).T, spd(a)) ** 2)


# ---------------------------------------------------------------- elementwise, called by name

KNOTS = np.linspace(-1.0, 1.0, 5)


def interpolated(x):
    return np.sum(np.interp(np.sin(x), KNOTS, KNOTS ** 3) ** 2)


def poisson_rate(w):
    return np.sum(stats.poisson.pmf(np.arange(3.0), np.exp(0.3 * w)))


# ---------------------------------------------------------------- explicit rules

def qr_tall(a):
    q, r = np.linalg.qr(a)
    return np.sum(np.sin(q)) + np.sum(r ** 2)


def qr_wide(a):
    return np.sum(np.linalg.qr(a[:2])[1] ** 2)


def pinv_general(a):
    return np.sum(np.linalg.pinv(a[:2]) ** 2)


def pinv_hermitian(a):
    return np.sum(np.linalg.pinv(spd(a), hermitian=True) ** 2)


def eigenvalues(a):
    return np.sum(np.real(np.linalg.eigvals(a + SPD)) ** 3)


def svd_full_wide(a):
    return np.sum(np.linalg.svd(a[:2], full_matrices=True)[1] ** 3)


def logsumexp_plain(a):
    return ss.logsumexp(np.ravel(a)) ** 2


def logsumexp_weighted(a):
    return ss.logsumexp(np.ravel(a), b=np.arange(1.0, 10.0)) ** 2


def scipy_cholesky(a):
    return np.sum(np.sin(sl.cholesky(spd(a), lower=True)))


def scipy_expm(a):
    return np.sum(sl.expm(a) ** 2)


def scipy_sqrtm(a):
    return np.sum(np.real(sl.sqrtm(spd(a))) ** 2)


def scipy_solve(a):
    return np.sum(sl.solve(a + SPD, B3) ** 2) + np.sum(sl.solve(spd(a), B3, assume_a="pos") ** 3)


def scipy_solve_triangular(a):
    return np.sum(sl.solve_triangular(a + SPD, B3, lower=True) ** 2)


CASES = {
    "two_maxima": (two_maxima, np.array([0.7, 1.1, 0.4])),
    "least_squares": (least_squares, TALL),
    "condition": (condition, M),
    "integral": (integral, np.array([0.1, 0.5, 0.2, 0.9])),
    "cho_pair": (cho_pair, M),
    "sylvester": (sylvester, M),
    "interpolated": (interpolated, np.array([0.3, -0.45, 0.8])),
    "poisson_rate": (poisson_rate, np.array([0.2, -0.5, 1.1])),
    "qr_tall": (qr_tall, TALL),
    "qr_wide": (qr_wide, M),
    "pinv_general": (pinv_general, M),
    "pinv_hermitian": (pinv_hermitian, M),
    "eigenvalues": (eigenvalues, M),
    "svd_full_wide": (svd_full_wide, M),
    "logsumexp_plain": (logsumexp_plain, M),
    "logsumexp_weighted": (logsumexp_weighted, M),
    "scipy_cholesky": (scipy_cholesky, M),
    "scipy_expm": (scipy_expm, M),
    "scipy_sqrtm": (scipy_sqrtm, M),
    "scipy_solve": (scipy_solve, M),
    "scipy_solve_triangular": (scipy_solve_triangular, M),
}


def fd_hvp(fun, x, v, eps=1e-6):
    """Central differences along ``v`` of the first-order gradient (compiled
    reverse mode, itself checked against differences on the corpus: the tape
    cannot run SciPy's factorizations)."""
    g = srcgrad.grad(fun, mode="auto")
    return (g(x + eps * v) - g(x - eps * v)) / (2 * eps)


def numeric_hvp(fun, x, v, h=1e-4):
    """Differences of differences: no derivative code at all (looser)."""
    return (numeric_grad(fun, (x + h * v,), 0) - numeric_grad(fun, (x - h * v,), 0)) / (2 * h)


def _tangent(x):
    return np.random.default_rng(5).standard_normal(x.shape)


@pytest.mark.parametrize("name", sorted(CASES))
def test_hvp_compiles_and_agrees_with_differences_of_the_gradient(name):
    fun, x = CASES[name]
    v = _tangent(x)
    before = x.copy()
    got = srcgrad.hvp(fun, mode="compile")(x, v)
    np.testing.assert_allclose(got, fd_hvp(fun, x, v), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(got, numeric_hvp(fun, x, v), rtol=1e-3, atol=1e-4)
    np.testing.assert_array_equal(x, before)


#: the tape differentiates these twice too (the others: its rules convert a
#: Tensor to an ndarray under create_graph, or the primitive has several outputs)
def _tape_agrees(name):
    fun, x = CASES[name]
    v = _tangent(x)
    try:
        tape = srcgrad.hvp(fun, mode="tape")(x, v)
    except (TypeError, NotImplementedError) as err:
        pytest.skip("the tape cannot differentiate %s twice: %s" % (name, type(err).__name__))
    np.testing.assert_allclose(srcgrad.hvp(fun, mode="compile")(x, v), tape,
                               rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_two_engines_agree(name):
    _tape_agrees(name)


def test_hessian_of_least_squares_agrees_with_jax():
    jax = pytest.importorskip("jax", reason="jax is an optional second oracle")
    jax.config.update("jax_enable_x64", True)
    jnp = jax.numpy

    def least_squares_jax(a):
        x, res, rank, sv = jnp.linalg.lstsq(a, jnp.asarray(B5), rcond=None)
        return jnp.sum(x ** 2) + jnp.sum(res) + jnp.sum(sv)

    def qr_tall_jax(a):
        q, r = jnp.linalg.qr(a)
        return jnp.sum(jnp.sin(q)) + jnp.sum(r ** 2)

    for fun, fun_jax in ((least_squares, least_squares_jax), (qr_tall, qr_tall_jax)):
        got = srcgrad.hessian(fun, mode="compile")(TALL)
        want = np.asarray(jax.hessian(fun_jax)(jnp.asarray(TALL)))
        np.testing.assert_allclose(got, want, rtol=1e-7, atol=1e-9)


# ---------------------------------------------------------------- still refused, by name

def lu_pair(a):
    lu, piv = sl.lu_factor(a + SPD)
    return np.sum(sl.lu_solve((lu, piv), B3) ** 2)


def test_a_transposed_jvp_whose_vjp_rule_the_compiler_cannot_read_is_refused_by_name():
    """lu_factor's VJP rule is not code the compiler differentiates: the
    second derivative is refused, naming the primitive and what to do (the
    message cannot name the user's line: the refusal comes when the
    generated code runs; the tape cannot run lu_factor either)."""
    v = _tangent(M)
    with pytest.raises(NotImplementedError, match="lu_factor") as info:
        srcgrad.hvp(lu_pair, mode="compile")(M, v)
    assert "not generated" in str(info.value) and "defjvp" in str(info.value)
