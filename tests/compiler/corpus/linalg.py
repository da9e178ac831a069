"""np.linalg in programs: least-squares fits, projections with pinv, QR
orthogonalisation, power iteration with matrix_power, eigen-decompositions
of matrices with a real spectrum, condition-number penalties, batches."""

import numpy as np

from . import Case

_R = np.random.default_rng(12)
X54 = _R.standard_normal((5, 4))
Y5 = _R.standard_normal(5)
Y52 = _R.standard_normal((5, 2))
M33 = _R.standard_normal((3, 3)) + 3.0 * np.eye(3)
V3 = _R.standard_normal(3)
B233 = _R.standard_normal((2, 3, 3)) + 3.0 * np.eye(3)
W33 = _R.standard_normal((3, 3))


def _real_spectrum(n, seed):
    """A non-symmetric matrix with distinct real eigenvalues."""
    rng = np.random.default_rng(seed)
    p = rng.standard_normal((n, n)) + n * np.eye(n)
    return p @ np.diag(np.arange(1.0, n + 1.0)) @ np.linalg.inv(p)


E33 = _real_spectrum(3, 1)
E44 = _real_spectrum(4, 2)


def ridge_by_lstsq(X, y, lam):
    """Ridge regression as an augmented least-squares problem."""
    n = X.shape[1]
    A = np.concatenate([X, np.sqrt(lam) * np.eye(n)], axis=0)
    b = np.concatenate([y, np.zeros(n)])
    coef, res, rank, sv = np.linalg.lstsq(A, b, rcond=None)
    return np.sum((X @ coef - y) ** 2) + lam * np.sum(coef ** 2)


def lstsq_residuals(X, y):
    coef, res, rank, sv = np.linalg.lstsq(X, y, rcond=None)
    return np.sum(res) + 0.1 * np.sum(sv) + 0.0 * rank


def fit_then_predict(X, Y):
    """Several right-hand sides at once; the fitted values on new rows."""
    coef = np.linalg.lstsq(X, Y, rcond=None)[0]
    Xnew = X[:2] * 0.5
    return np.sum(np.tanh(Xnew @ coef))


def reweighted_least_squares(X, y):
    """Two steps of iteratively reweighted least squares."""
    w = np.ones(len(y))
    coef = np.zeros(X.shape[1])
    for _ in range(2):
        sw = np.sqrt(w)
        coef = np.linalg.lstsq(X * sw[:, None], y * sw, rcond=None)[0]
        r = y - X @ coef
        w = 1.0 / (1.0 + r ** 2)
    return np.sum(coef ** 2)


def projection_residual(X, y):
    """Distance of y from the column space of X, through the pseudo-inverse."""
    P = X @ np.linalg.pinv(X)
    r = y - P @ y
    return r @ r


def pinv_of_wide(X):
    return np.sum(np.linalg.pinv(X.T) ** 2)


def gram_schmidt_by_qr(A, W):
    q, r = np.linalg.qr(A)
    return np.sum((q.T @ W) ** 2) + np.sum(np.abs(np.diag(r)))


def orthonormal_projector(A, y):
    q = np.linalg.qr(A, mode="complete")[0][:, :A.shape[1]]
    return np.sum((q @ (q.T @ y)) ** 2)


def qr_of_wide_rows(A):
    q, r = np.linalg.qr(A.T)
    return np.sum(r * r[0, 0]) + np.sum(q[:, 0])


def power_iteration(A, v):
    """Rayleigh quotient after power iteration by a matrix power."""
    u = np.linalg.matrix_power(A, 6) @ v
    u = u / np.linalg.norm(u)
    return u @ A @ u


def resolvent_powers(A, k):
    total = np.zeros_like(A)
    for n in range(-2, k):
        total = total + np.linalg.matrix_power(A, n) / (3.0 + abs(n))
    return np.sum(total ** 2)


def spectral_loss(A):
    # real parts: NumPy 2.4 returns eig's values and vectors as complex even when
    # they are real (older NumPy returns real arrays then)
    w, v = np.linalg.eig(A)
    return np.real(np.sum(w * np.arange(1.0, len(w) + 1.0)) +
                   np.sum(v ** 2 * np.arange(len(w))))


def top_eigenvalue(A):
    w = np.linalg.eigvals(A)
    return np.max(np.real(w))


def complex_spectrum_radius(A):
    """Eigenvalues of a random real matrix are complex; their real parts are
    real functions of it."""
    return np.sum(np.real(np.linalg.eigvals(A)) ** 2)


def conditioning_penalty(A):
    return np.linalg.cond(A) + 0.1 * np.linalg.cond(A, "fro") + 0.01 * np.linalg.cond(A, 1)


def batched_inverses(B, W):
    """Stacked matrices through inv, det, solve, slogdet, eigvals and cond."""
    inv = np.linalg.inv(B)
    sign, logdet = np.linalg.slogdet(B)
    x = np.linalg.solve(B, W[:, :2])
    return (np.sum(inv * W) + np.sum(np.linalg.det(B)) + np.sum(logdet) + np.sum(x ** 2)
            + np.sum(np.linalg.cond(B)) + np.sum(np.real(np.linalg.eigvals(B))))


def batched_qr_power(B):
    q, r = np.linalg.qr(B)
    return np.sum(np.linalg.matrix_power(B, 2) * q) + np.sum(r ** 2) + \
        np.sum(np.linalg.svd(B, compute_uv=False))


def batched_symmetric(B):
    S = B + np.swapaxes(B, -1, -2)
    return np.sum(np.linalg.eigvalsh(S) ** 2) + np.sum(np.linalg.cholesky(S @ S + np.eye(3)))


CASES = [
    Case(ridge_by_lstsq, [(X54, Y5, 0.3)], wrt=(0, 1, 2)),
    Case(lstsq_residuals, [(X54, Y5), (X54, Y52)], wrt=(0, 1)),
    Case(fit_then_predict, [(X54, Y52)], wrt=(0, 1)),
    Case(reweighted_least_squares, [(X54, Y5)], wrt=(0, 1)),
    Case(projection_residual, [(X54, Y5)], wrt=(0, 1)),
    Case(pinv_of_wide, [(X54,)]),
    Case(gram_schmidt_by_qr, [(X54, Y52), (M33, W33)], wrt=(0, 1)),
    Case(orthonormal_projector, [(X54, Y5)], wrt=(0, 1)),
    Case(qr_of_wide_rows, [(X54,)]),
    Case(power_iteration, [(E33, V3), (M33, V3)], wrt=(0, 1)),
    Case(resolvent_powers, [(M33, 3)]),
    Case(spectral_loss, [(E33,), (E44,)]),
    Case(top_eigenvalue, [(E44,)]),
    Case(complex_spectrum_radius, [(W33,), (X54[:4],)]),
    Case(conditioning_penalty, [(M33,)]),
    Case(batched_inverses, [(B233, W33)], wrt=(0, 1)),
    Case(batched_qr_power, [(B233,)]),
    Case(batched_symmetric, [(B233,)]),
]
