"""The rest of ``np.linalg`` (eig, eigvals, lstsq, cond, qr in every mode,
pinv, matrix_power, matrix_rank) in realistic functions, through both engines,
against central finite differences and, where PyTorch has the function,
against ``torch`` too; and what is refused, with its message."""

import numpy as np
import pytest

import srcgrad.torch
from srcgrad.rules import linalg_more
from srcgrad.testing import assert_allclose, numeric_grad

torch = pytest.importorskip("torch")

MODES = ["compile", "tape"]
RNG = np.random.default_rng(7)
X = RNG.standard_normal((6, 3))
Y = RNG.standard_normal(6)
Y2 = RNG.standard_normal((6, 2))
A = RNG.standard_normal((4, 4)) + 4.0 * np.eye(4)
WIDE = RNG.standard_normal((3, 5))
V0 = RNG.standard_normal(4)
STACK = RNG.standard_normal((3, 4, 4)) + 4.0 * np.eye(4)


def real_spectrum(n, seed):
    rng = np.random.default_rng(seed)
    p = rng.standard_normal((n, n)) + n * np.eye(n)
    return p @ np.diag(np.arange(1.0, n + 1.0)) @ np.linalg.inv(p)


E = real_spectrum(4, 3)


def check(fn, args, wrt=0, mode="compile", rtol=1e-5, atol=1e-6):
    got = srcgrad.grad(fn, wrt=wrt, mode=mode)(*[np.copy(a) for a in args])
    for k, i in enumerate(wrt if isinstance(wrt, tuple) else (wrt,)):
        g = got[k] if isinstance(wrt, tuple) else got
        assert_allclose(g, numeric_grad(fn, args, i), rtol=rtol, atol=atol)
    return got


def torch_grad(fn, *arrays):
    ts = [torch.tensor(a, requires_grad=True) for a in arrays]
    fn(*ts).backward()
    return [t.grad.numpy() for t in ts]


# ---------------------------------------------------------------- lstsq


def least_squares_fit(X, y):
    coef, res, rank, sv = np.linalg.lstsq(X, y, rcond=None)
    return np.sum((X @ coef - y) ** 2) + 0.5 * np.sum(coef ** 2)


def residual_and_spectrum(X, y):
    coef, res, rank, sv = np.linalg.lstsq(X, y, rcond=None)
    return np.sum(res) + np.sum(sv ** 2) + np.sum(coef)


def minimum_norm_solution(W, y):
    return np.sum(np.linalg.lstsq(W, y, rcond=None)[0] ** 2)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("fn,args", [(least_squares_fit, (X, Y)), (least_squares_fit, (X, Y2)),
                                     (residual_and_spectrum, (X, Y)),
                                     (residual_and_spectrum, (X, Y2)),
                                     (minimum_norm_solution, (WIDE, Y[:3]))],
                         ids=["fit", "fit-2rhs", "residuals", "residuals-2rhs", "wide"])
def test_lstsq(fn, args, mode):
    check(fn, args, wrt=(0, 1), mode=mode)


def test_lstsq_solution_matches_torch():
    ga, gb = srcgrad.grad(least_squares_fit, wrt=(0, 1), mode="tape")(X, Y2)
    ta, tb = torch_grad(lambda x, y: torch.sum((x @ torch.linalg.lstsq(x, y).solution - y) ** 2)
                        + 0.5 * torch.sum(torch.linalg.lstsq(x, y).solution ** 2), X, Y2)
    assert_allclose(ga, ta, rtol=1e-8, atol=1e-10)
    assert_allclose(gb, tb, rtol=1e-8, atol=1e-10)


# ---------------------------------------------------------------- pinv


def projection(X, y):
    P = X @ np.linalg.pinv(X)
    return np.sum((y - P @ y) ** 2)


@pytest.mark.parametrize("mode", MODES)
def test_pinv_projection(mode):
    got = check(projection, (X, Y), wrt=(0, 1), mode=mode)
    want = torch_grad(lambda x, y: torch.sum((y - x @ torch.linalg.pinv(x) @ y) ** 2), X, Y)
    assert_allclose(got[0], want[0], rtol=1e-7, atol=1e-9)


# ---------------------------------------------------------------- qr


def orthogonalise(X, W):
    q, r = np.linalg.qr(X)
    return np.sum((q.T @ W) ** 2) + np.sum(np.diag(r) ** 2)


def complete_first_columns(X, y):
    q, r = np.linalg.qr(X, mode="complete")
    return np.sum((q[:, :3].T @ y) ** 2) + np.sum(r ** 2)


def wide_qr(W):
    q, r = np.linalg.qr(W)
    return np.sum(r * np.arange(5.0)) + np.sum(q[:, 0] ** 3)


def r_only(X):
    return np.sum(np.abs(np.linalg.qr(X, mode="r")))


def stacked_qr(S):
    q, r = np.linalg.qr(S[:, :, :3])
    return np.sum(q ** 3) + np.sum(r)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("fn,args,wrt", [(orthogonalise, (X, Y2), (0, 1)),
                                         (complete_first_columns, (X, Y), (0, 1)),
                                         (wide_qr, (WIDE,), 0), (r_only, (X,), 0),
                                         (stacked_qr, (STACK,), 0)],
                         ids=["reduced", "complete", "wide", "r", "batched"])
def test_qr(fn, args, wrt, mode):
    check(fn, args, wrt=wrt, mode=mode)


def test_wide_qr_matches_torch():
    got = srcgrad.grad(wide_qr, mode="tape")(WIDE)
    w = torch.tensor(np.arange(5.0))
    want = torch_grad(lambda a: torch.sum(torch.linalg.qr(a)[1] * w)
                      + torch.sum(torch.linalg.qr(a)[0][:, 0] ** 3), WIDE)[0]
    assert_allclose(got, want, rtol=1e-8, atol=1e-10)


def complete_extra_columns(X):
    q, r = np.linalg.qr(X, mode="complete")
    return np.sum(q[:, 4] ** 3)


@pytest.mark.parametrize("mode", MODES)
def test_qr_complete_reading_the_extra_columns_is_refused(mode):
    with pytest.raises(ValueError, match="mode='complete'.*no gradient"):
        srcgrad.grad(complete_extra_columns, mode=mode)(X)


# ---------------------------------------------------------------- matrix_power


def power_iteration(A, v):
    u = np.linalg.matrix_power(A, 5) @ v
    u = u / np.linalg.norm(u)
    return u @ A @ u


def powers_around_zero(A):
    return sum(np.sum(np.linalg.matrix_power(A, n) * (n + 3.5)) for n in (-2, -1, 0, 1, 2))


@pytest.mark.parametrize("mode", MODES)
def test_matrix_power(mode):
    got = check(power_iteration, (A, V0), wrt=(0, 1), mode=mode)
    want = torch_grad(lambda a, v: (lambda u: u @ a @ u)(
        torch.linalg.matrix_power(a, 5) @ v / torch.linalg.norm(torch.linalg.matrix_power(a, 5)
                                                                   @ v)), A, V0)
    assert_allclose(got[0], want[0], rtol=1e-8, atol=1e-10)
    check(powers_around_zero, (A,), mode=mode)


# ---------------------------------------------------------------- eig, eigvals


def spectral(A):
    w, v = np.linalg.eig(A)
    return np.sum(w * np.arange(1.0, 5.0)) + np.sum(v ** 2 * np.arange(4.0))


def real_parts(A):
    return np.sum(np.real(np.linalg.eigvals(A)) ** 2) + np.max(np.real(np.linalg.eigvals(A)))


def stacked_eig(S):
    w, v = np.linalg.eig(S)
    return np.sum(np.real(w) ** 2)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("fn,arg", [(spectral, E), (real_parts, A), (real_parts, X[:3]),
                                    (stacked_eig, STACK)],
                         ids=["eig-real-spectrum", "eigvals", "eigvals-complex-pairs",
                              "eig-batched"])
def test_eig(fn, arg, mode):
    check(fn, (arg,), mode=mode)


def test_eigenvalues_match_torch_for_complex_spectra():
    m = RNG.standard_normal((5, 5))
    assert np.iscomplexobj(np.linalg.eigvals(m))
    got = srcgrad.grad(lambda a: np.sum(np.real(np.linalg.eigvals(a)) ** 2), mode="tape")(m)
    want = torch_grad(lambda a: torch.sum(torch.linalg.eigvals(a).real ** 2), m)[0]
    assert_allclose(got, want, rtol=1e-8, atol=1e-10)


@pytest.mark.parametrize("real", [True, False], ids=["real-input", "complex-input"])
def test_eig_rule_matches_torch_on_complex_eigenvectors(real):
    """The rule itself against torch.linalg.eig's backward, for a phase-free
    loss of complex eigenvectors: sum(c * |v|^2) + Re sum(d * w)."""
    rng = np.random.default_rng(3)
    m = rng.standard_normal((4, 4)) + (0 if real else 1j * rng.standard_normal((4, 4)))
    c, d = rng.standard_normal((4, 4)), rng.standard_normal(4) + 1j * rng.standard_normal(4)
    w, v = np.linalg.eig(m)
    assert np.iscomplexobj(v)
    got = linalg_more.eig_vjp((np.conj(d), 2.0 * c * v), (w, v), m)   # gv = dL/dRe + i dL/dIm
    t = torch.tensor(m, requires_grad=True)
    tw, tv = torch.linalg.eig(t)
    (torch.sum(torch.tensor(c) * tv.abs() ** 2) + torch.real(torch.sum(torch.tensor(d) * tw))
     ).backward()
    assert got.dtype == m.dtype
    np.testing.assert_allclose(got, t.grad.numpy(), rtol=1e-8, atol=1e-10)


def phase_dependent(A):
    w, v = np.linalg.eig(A)
    return np.sum(np.real(v))


def repeated(A):
    w, v = np.linalg.eig(A)
    return np.sum(v ** 2 * np.arange(3.0))


@pytest.mark.parametrize("mode", MODES)
def test_eig_refusals(mode):
    m = RNG.standard_normal((4, 4))
    assert np.iscomplexobj(np.linalg.eig(m)[1])
    with pytest.raises(ValueError, match="phase"):
        srcgrad.grad(phase_dependent, mode=mode)(m)
    with pytest.raises(ValueError, match="repeated eigenvalue"):
        srcgrad.grad(repeated, mode=mode)(np.diag([1.0, 1.0, 2.0]))


# ---------------------------------------------------------------- cond


def conditioning(A):
    return (np.linalg.cond(A) + np.linalg.cond(A, -2) + 0.1 * np.linalg.cond(A, "fro")
            + 0.1 * np.linalg.cond(A, "nuc") + 0.01 * np.linalg.cond(A, np.inf))


def stacked_cond(S):
    return np.sum(np.linalg.cond(S) ** 2)


def torch_comparable_cond(A):
    return np.linalg.cond(A) + np.linalg.cond(A, -2) + 0.1 * np.linalg.cond(A, "nuc")


@pytest.mark.parametrize("mode", MODES)
def test_cond(mode):
    check(conditioning, (A,), mode=mode)
    got = srcgrad.grad(torch_comparable_cond, mode=mode)(A)
    want = torch_grad(lambda a: torch.linalg.cond(a) + torch.linalg.cond(a, -2)
                      + 0.1 * torch.linalg.cond(a, "nuc"), A)[0]   # torch's "fro" backward fails
    assert_allclose(got, want, rtol=1e-8, atol=1e-10)
    check(stacked_cond, (STACK,), mode=mode)
    check(lambda x: np.linalg.cond(x), (X,), mode=mode)


def cond_p3(A):
    return np.linalg.cond(A, 3)


@pytest.mark.parametrize("mode", MODES)
def test_cond_with_an_unsupported_p_is_refused(mode):
    with pytest.raises((ValueError, NotImplementedError)):
        srcgrad.grad(cond_p3, mode=mode)(A)


# ---------------------------------------------------------------- matrix_rank


def rank_weighted(A):
    return np.linalg.matrix_rank(A) * np.sum(A ** 2)


@pytest.mark.parametrize("mode", MODES)
def test_matrix_rank_carries_no_gradient(mode):
    got = srcgrad.grad(rank_weighted, mode=mode)(A)
    assert_allclose(got, 4 * 2 * A)


def test_tape_keeps_float64_for_the_real_part_of_complex128():
    t = srcgrad.torch.tensor(np.array([1.0 + 2.0j, 3.0 - 1.0j]), requires_grad=True)
    assert np.asarray(np.real(t).detach()).dtype == np.float64


def weighted_eigenvalues(A):
    return np.sum(np.real(np.linalg.eigvals(A)) * np.array([1.0, 1.0, 2.0]))


@pytest.mark.parametrize("mode", MODES)
def test_eigvals_of_a_repeated_eigenvalue(mode):
    """Equal eigenvalues with equal weights: differentiable (the trace of the
    eigenspace); the eigenvectors are matched one to one."""
    d = np.diag([1.0, 1.0, 3.0])
    assert_allclose(srcgrad.grad(weighted_eigenvalues, mode=mode)(d), np.diag([1.0, 1.0, 2.0]))


def test_eig_of_a_defective_matrix_is_refused():
    w = np.array([2.0, 2.0])
    v = np.array([[1.0, 1.0], [0.0, 0.0]])
    with pytest.raises(ValueError, match="defective"):
        linalg_more.eig_vjp((np.ones(2), np.zeros((2, 2))), (w, v), np.array([[2.0, 1.0],
                                                                             [0.0, 2.0]]))
