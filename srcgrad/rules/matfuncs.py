"""More of ``np.linalg``: matrix powers, eigenvalues and singular values
alone, chained products, and NumPy 2's array-API names for functions that
already have rules (``np.linalg.matmul``, ``outer``, ``matrix_transpose``,
``vector_norm``, ``matrix_norm``, ``trace``, ``diagonal``, ``vecdot``).

Matrices live in the last two axes; leading axes are a batch.  Rules whose
output does not have the operands' broadcast shape sum their cotangents back
themselves (none is registered ``broadcasts=True``).
"""

import numpy as np

from . import defvjp
from .linalg import (_mH, matmul_vjp_x1, matmul_vjp_x2, norm_vjp, outer_vjp_a, outer_vjp_b,
                     trace_vjp, triangle_read, vector_norm_cotangent)
from .linalg_more import cotangent_of, mH, pinv_cotangent
from .shape import diagonal_vjp
from .. import runtime


def _mT(x):
    return np.swapaxes(x, -1, -2)


# ------------------------------------------------------------ powers


def _power_cotangent(g, a, n):
    """Cotangent of ``a`` in ``a^n`` (n >= 1): ``sum_k (a^H)^k g (a^H)^(n-1-k)``."""
    at = mH(np.asarray(a) * 1.0)
    powers = [np.broadcast_to(np.eye(at.shape[-1]), at.shape)]
    for _ in range(n - 1):
        powers.append(np.matmul(powers[-1], at))
    return sum(np.matmul(powers[k], np.matmul(g, powers[n - 1 - k])) for k in range(n))


def matrix_power_vjp(g, ans, a, n):
    """Any integer ``n`` (``n < 0`` goes through ``inv(a)^|n|`` and the
    inverse's rule; ``n = 0`` is the constant identity)."""
    if n == 0:
        return np.zeros(np.shape(a))
    if n > 0:
        return cotangent_of(_power_cotangent(g, a, n), a)
    b = np.linalg.inv(a)
    gb = _power_cotangent(g, b, -n)
    return cotangent_of(-np.matmul(mH(b), np.matmul(gb, mH(b))), a)


defvjp(np.linalg.matrix_power, matrix_power_vjp, None)

# ------------------------------------------------- eigenvalues, singular values


def eigvalsh_vjp(g, ans, a, UPLO="L"):
    """``V diag(g) V^H``, put in the triangle NumPy reads."""
    _, v = np.linalg.eigh(a, UPLO=UPLO)
    g = runtime.real_cotangent(np.asarray(g))     # eigenvalues are real
    return triangle_read(np.matmul(v * g[..., None, :], _mH(v)),
                         lower=UPLO.upper() == "L")


def svdvals_vjp(g, ans, x):
    """``U diag(g) V^H`` (distinct singular values)."""
    u, _, vh = np.linalg.svd(x, full_matrices=False)
    return np.matmul(u * runtime.real_cotangent(np.asarray(g))[..., None, :], vh)


defvjp(np.linalg.eigvalsh, eigvalsh_vjp)
defvjp(np.linalg.svdvals, svdvals_vjp)

def pinv_vjp(g, ans, a, rcond=None, hermitian=False, rtol=None):
    """Golub and Pereyra (1973), for ``a`` of constant rank, ``P = pinv(a)``:
    ``-P^H g P^H + (I - a P) g^H P P^H + P^H P g^H (I - P a)``
    (:func:`linalg_more.pinv_cotangent`)."""
    return cotangent_of(pinv_cotangent(g, a, ans), a)


defvjp(np.linalg.pinv, pinv_vjp)


def _qr_square_or_tall(q, r, gq, gr):
    """``(gQ + Q copyltu(M)) R^-H`` with ``M = R gR^H - gQ^H Q`` (Walter and
    Lehmann 2018); ``copyltu(M) = tril(M, -1) + tril(M, -1)^H + Re diag(M)``
    (LAPACK's ``R`` has a real diagonal, also for complex input)."""
    mm = np.matmul(r, mH(gr)) - np.matmul(mH(gq), q)
    low = np.tril(mm, -1)
    sym = low + mH(low) + np.real(np.diagonal(mm, 0, -2, -1))[..., :, None] * \
        np.eye(mm.shape[-1])
    x = gq + np.matmul(q, sym)
    return mH(np.linalg.solve(r, mH(x)))


def qr_vjp(g, ans, a, mode="reduced"):
    """Modes ``reduced``, ``r`` (``g`` is ``gR`` alone) and ``complete``; any
    shape.  A wide ``a = [X | Y]`` (m < n): ``R = [U | V]`` with ``X = Q U``,
    ``V = Q^H Y``, so ``gY = Q gV`` and ``X`` gets the square rule with
    ``gQ + Y gV^H`` (as PyTorch).  ``complete`` with m > n: the columns of
    ``Q`` past n span the complement of ``a``'s columns in a basis of
    LAPACK's choosing; a loss that reads them is refused (PyTorch refuses
    this mode too), one that does not gets the reduced rule.  The leading
    min(m, n) columns of ``a`` must be independent."""
    m, n = np.shape(a)[-2:]
    k = min(m, n)
    if mode not in ("reduced", "r", "complete"):
        raise ValueError("srcgrad: the gradient of np.linalg.qr is defined for mode='reduced', "
                         "'complete' and 'r'; not mode=%r" % (mode,))
    if mode == "r":
        q, r = np.linalg.qr(a)
        gq, gr = np.zeros(np.shape(q)), np.asarray(g)
    else:
        (q, r), (gq, gr) = ans, g
        gq, gr = np.asarray(gq), np.asarray(gr)
    if mode == "complete" and m > n:
        if np.any(gq[..., :, n:] != 0):
            raise ValueError(
                "srcgrad: np.linalg.qr(a, mode='complete') of a tall matrix: the columns of Q "
                "past a's column count are not determined by a (any orthonormal basis of the "
                "complement would do), and this loss depends on them: it has no gradient. "
                "Use mode='reduced', or only Q[..., :, :n].")
        q, r, gq, gr = q[..., :, :n], r[..., :n, :], gq[..., :, :n], gr[..., :n, :]
    if m >= n:
        return cotangent_of(_qr_square_or_tall(q, r, gq, gr), a)
    y, gv = np.asarray(a)[..., :, k:], gr[..., :, k:]
    gx = _qr_square_or_tall(q, r[..., :, :k], gq + np.matmul(y, mH(gv)), gr[..., :, :k])
    return cotangent_of(np.concatenate([gx, np.matmul(q, gv)], axis=-1), a)


defvjp(np.linalg.qr, qr_vjp)

# ------------------------------------------------------------ products


def multi_dot_vjp(g, ans, arrays, out=None):
    """A list argument: one cotangent per array.  A 1-D first (last) array
    is a row (column) vector, as in ``np.linalg.multi_dot``."""
    mats = [np.asarray(m) for m in arrays]
    mats = [m.astype(runtime.float_dtype(m.dtype)) for m in mats]
    first_1d, last_1d = mats[0].ndim == 1, mats[-1].ndim == 1
    if first_1d:
        mats[0] = mats[0][None, :]
    if last_1d:
        mats[-1] = mats[-1][:, None]
    gm = np.reshape(g, (mats[0].shape[0], mats[-1].shape[1]))
    n = len(mats)
    left = [np.eye(mats[0].shape[0])]
    for m in mats[:-1]:
        left.append(np.matmul(left[-1], m))
    right = [np.eye(mats[-1].shape[1])]
    for m in reversed(mats[1:]):
        right.append(np.matmul(m, right[-1]))
    right.reverse()
    cts = [np.matmul(_mH(left[i]), np.matmul(gm, _mH(right[i]))) for i in range(n)]
    return [np.reshape(c, np.shape(a)) for c, a in zip(cts, arrays)]


defvjp(np.linalg.multi_dot, multi_dot_vjp)

# ------------------------------------------ NumPy 2 array-API names


def matrix_transpose_vjp(g, ans, x):
    return np.swapaxes(g, -1, -2)


def vector_norm_vjp(g, ans, x, axis=None, keepdims=False, ord=2):
    """A vector norm over ``axis`` (all entries, one axis or several)."""
    xa = np.asarray(x)
    gx = runtime.expand_reduced(runtime.real_cotangent(g), xa.shape, axis, keepdims)
    nx = runtime.expand_reduced(ans, xa.shape, axis, keepdims)
    return vector_norm_cotangent(gx, nx, xa, ans, ord, axis, keepdims)


def matrix_norm_vjp(g, ans, x, keepdims=False, ord="fro"):
    return norm_vjp(g, ans, x, ord, (-2, -1), keepdims)


def linalg_trace_vjp(g, ans, x, offset=0, dtype=None):
    return trace_vjp(g, ans, x, offset, -2, -1)


def linalg_diagonal_vjp(g, ans, x, offset=0):
    return diagonal_vjp(g, ans, x, offset, -2, -1)


def vecdot_vjp_x1(g, ans, x1, x2, axis=-1):
    """Summed back to ``x1``'s shape here (the output drops ``axis``);
    ``vecdot`` conjugates ``x1``, as ``vdot`` does."""
    return runtime.unbroadcast(runtime.conj(np.expand_dims(g, axis)) * x2, x1)


def vecdot_vjp_x2(g, ans, x1, x2, axis=-1):
    return runtime.unbroadcast(np.expand_dims(g, axis) * x1, x2)


defvjp(np.linalg.matmul, matmul_vjp_x1, matmul_vjp_x2)
defvjp(np.linalg.outer, outer_vjp_a, outer_vjp_b)
defvjp(np.linalg.matrix_transpose, matrix_transpose_vjp)
defvjp(np.linalg.vector_norm, vector_norm_vjp)
defvjp(np.linalg.matrix_norm, matrix_norm_vjp)
defvjp(np.linalg.trace, linalg_trace_vjp)
defvjp(np.linalg.diagonal, linalg_diagonal_vjp)
defvjp(np.linalg.vecdot, vecdot_vjp_x1, vecdot_vjp_x2)
