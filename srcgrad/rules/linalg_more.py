"""The rest of ``np.linalg``: ``eig``, ``eigvals``, ``lstsq``, ``cond``, and
``matrix_rank`` (non-differentiable).

Matrices live in the last two axes; leading axes are a batch, wherever NumPy
takes one (``lstsq`` takes none).  No rule here is registered
``broadcasts=True``.

Complex values follow the project's convention (PyTorch's): the cotangent of
``z = x + iy`` is ``dL/dx + i dL/dy``, so a complex-linear map ``A`` has the
VJP ``A^H g``; a real argument's cotangent is the real part
(:func:`cotangent_of`).  ``eig`` of a real matrix may return complex eigenvalues
and eigenvectors: their cotangents are complex, the real matrix's is real.

Where a derivative does not exist, the rule raises instead of returning
infinities or a gradient of an arbitrary choice:

* eigenvectors are defined up to a phase (a sign, for real ones): a loss
  that depends on the phase has no gradient (PyTorch raises the same way);
  ``np.real(v * np.conj(v))`` or ``w`` alone are fine;
* eigenvectors of a repeated eigenvalue are not unique either; the gradient
  grows like ``1 / (w_i - w_j)`` as two eigenvalues meet (exactly equal
  ones are refused);
* ``lstsq`` and ``pinv`` are differentiated at constant rank.
"""

import numpy as np

from . import defnondiff, defvjp

# Eigenvector cotangents whose phase component exceeds this share of their
# size are refused: the loss depends on a choice NumPy makes.
GAUGE_TOL = 1e-6


def mH(x):
    return np.conj(np.swapaxes(x, -1, -2))


def cotangent_of(ct, x):
    """``ct`` as the cotangent of ``x``: its real part when ``x`` is real."""
    return ct if np.iscomplexobj(x) else np.real(ct)


def _diag(d):
    """``diag(d)`` over a batch: ``(..., n) -> (..., n, n)``."""
    d = np.asarray(d)
    return d[..., :, None] * np.eye(d.shape[-1])


# ------------------------------------------------------------ eigenvalues


def _eig_core(w, v, gw, gv):
    """``V^-H (diag(gw) + (V^H gV - V^H V Re diag(V^H gV)) / conj(E)) V^H``,
    ``E_ij = w_j - w_i`` (PyTorch's linalg_eig_backward)."""
    vh = mH(v)
    inner = _diag(gw).astype(np.result_type(v, gw, 1.0))
    if np.any(gv != 0):
        vhgv = np.matmul(vh, gv)
        d = np.diagonal(vhgv, 0, -2, -1)
        scale = max(1.0, float(np.max(np.abs(vhgv))))
        if np.max(np.abs(np.imag(d)), initial=0.0) > GAUGE_TOL * scale:
            raise ValueError(
                "srcgrad: the gradient of np.linalg.eig's eigenvectors is defined only for a "
                "loss that does not depend on their phase (each eigenvector is fixed only up "
                "to a factor exp(i phi)); this loss does. Use phase-free quantities such as "
                "np.real(v * np.conj(v)), or the eigenvalues alone.")
        vhgv = vhgv - np.matmul(vh, v * np.real(d)[..., None, :])
        wc = np.conj(w)
        n = w.shape[-1]
        eye = np.eye(n)
        gaps = wc[..., None, :] - wc[..., :, None]
        if np.any((gaps == 0) & (eye == 0)):
            raise ValueError(
                "srcgrad: np.linalg.eig has a repeated eigenvalue here, whose eigenvectors "
                "are not unique: their gradient does not exist. Differentiate the eigenvalues "
                "alone, or a quantity that does not depend on the eigenvectors' basis.")
        inner = inner + vhgv * (1.0 - eye) / (gaps + eye)
    try:
        return np.linalg.solve(vh, np.matmul(inner, vh))
    except np.linalg.LinAlgError:
        raise ValueError("srcgrad: this matrix is defective (its eigenvectors do not span the "
                         "space, as for [[1, 1], [0, 1]]): its eigenvalues and eigenvectors "
                         "are not differentiable here.") from None


def eig_vjp(g, ans, a):
    """``V^-H (diag(gw) + (V^H gV - V^H V Re diag(V^H gV)) / conj(E)) V^H``,
    ``E_ij = w_j - w_i`` (as PyTorch).  Distinct eigenvalues (equal ones are
    refused) and a loss that does not depend on the eigenvectors' phases
    (``Im diag(V^H gV) = 0``; refused otherwise)."""
    w, v = ans
    gw, gv = g
    return cotangent_of(_eig_core(w, v, np.asarray(gw), np.asarray(gv)), a)


def eigvals_vjp(g, ans, a):
    """``V^-H diag(g) V^H``; ``V`` from ``eig``, its columns matched to the
    eigenvalues ``eigvals`` returned (the order may differ)."""
    w, v = np.linalg.eig(a)
    ans = np.asarray(ans)
    pick = np.argmin(np.abs(ans[..., :, None] - w[..., None, :]), axis=-1)
    if not np.all(np.sort(pick, axis=-1) == np.arange(w.shape[-1])):   # equal eigenvalues
        pick = np.take_along_axis(_by_value(w), np.argsort(_by_value(ans), axis=-1), axis=-1)
    v = np.take_along_axis(v, pick[..., None, :], axis=-1)
    return cotangent_of(_eig_core(ans, v, np.asarray(g), np.zeros(v.shape)), a)


def _by_value(w):
    """The order sorting eigenvalues by real, then imaginary part."""
    return np.lexsort((np.imag(w), np.real(w)), axis=-1)


defvjp(np.linalg.eig, eig_vjp)
defvjp(np.linalg.eigvals, eigvals_vjp)

# ------------------------------------------------------------ least squares


def pinv_cotangent(gp, a, p):
    """Golub and Pereyra (1973), for ``a`` of constant rank, ``p = pinv(a)``:
    ``-P^H g P^H + (I - A P) g^H P P^H + P^H P g^H (I - P A)``."""
    gh = mH(np.asarray(gp))
    m, n = np.shape(a)[-2:]
    left = np.eye(m) - np.matmul(a, p)
    right = np.eye(n) - np.matmul(p, a)
    return (-np.matmul(mH(p), np.matmul(gp, mH(p)))
            + np.matmul(left, np.matmul(gh, np.matmul(p, mH(p))))
            + np.matmul(np.matmul(mH(p), p), np.matmul(gh, right)))


def _lstsq_parts(ans, a):
    """The pseudo-inverse ``lstsq`` used (singular values beyond its rank
    dropped) and the singular vectors."""
    rank = int(ans[2])
    u, s, vh = np.linalg.svd(a, full_matrices=False)
    p = np.matmul(mH(vh[:rank]) / s[:rank], mH(u[:, :rank]))
    return p, u, vh


def lstsq_vjp_a(g, ans, a, b, rcond=None):
    """All four outputs: the solution ``x = P b`` (``P`` the pseudo-inverse
    at ``lstsq``'s rank, constant rank assumed): ``gb = P^H gx``, ``gP = gx
    b^H`` through pinv's rule; the residuals ``|b - a x|^2`` (at the optimum
    ``x``): ``gb = 2 r gres``, ``ga = -2 r gres x^H``; the singular values:
    ``U diag(gs) V^H``.  The rank is an integer."""
    x, res, _, s = ans
    gx, gres, _, gs = g
    a, b = np.asarray(a), np.asarray(b)
    p, u, vh = _lstsq_parts(ans, a)
    b2, gx2, x2 = (b[:, None], np.asarray(gx)[:, None], x[:, None]) if np.ndim(b) == 1 else \
        (b, np.asarray(gx), x)
    out = pinv_cotangent(np.matmul(gx2, mH(b2)), a, p)
    if np.size(res):
        r = b2 - np.matmul(a, x2)
        out = out - 2.0 * np.matmul(r * np.reshape(gres, (1, -1)), mH(x2))
    out = out + np.matmul(u * np.asarray(gs)[None, :], vh)
    return cotangent_of(out, a)


def lstsq_vjp_b(g, ans, a, b, rcond=None):
    x, res, _, s = ans
    gx, gres, _, _ = g
    p, _, _ = _lstsq_parts(ans, a)
    out = np.matmul(mH(p), gx)
    if np.size(res):
        r = b - np.matmul(a, x)
        out = out + 2.0 * r * np.reshape(gres, (-1,) if np.ndim(b) == 2 else ())
    return cotangent_of(out, b)


defvjp(np.linalg.lstsq, lstsq_vjp_a, lstsq_vjp_b)

# ------------------------------------------------------ condition number


def _norm_cotangent(m, p):
    """d ||m||_p / d m for the matrix norms ``cond`` combines with the
    inverse's: ``fro``, ``nuc``, 1, -1, inf, -inf."""
    if p == "fro":
        return m / np.linalg.norm(m, "fro", axis=(-2, -1))[..., None, None]
    if p == "nuc":
        u, _, vh = np.linalg.svd(m)
        return np.matmul(u, vh)
    sums = np.sum(np.abs(m), axis=-2 if p in (1, -1) else -1)
    best = np.max(sums, axis=-1, keepdims=True) if p in (1, np.inf) else \
        np.min(sums, axis=-1, keepdims=True)
    hit = sums == best
    share = hit / np.sum(hit, axis=-1, keepdims=True)
    sign = np.sign(m) if not np.iscomplexobj(m) else m / np.where(m == 0, 1, np.abs(m))
    return sign * (share[..., None, :] if p in (1, -1) else share[..., :, None])


def cond_vjp(g, ans, x, p=None):
    """``p=None``/2/-2: the ratio of the extreme singular values (any
    shape; distinct extreme singular values).  ``fro``, ``nuc``, 1, -1, inf,
    -inf: ``||x|| ||x^-1||`` (square, invertible ``x``)."""
    gg = np.asarray(g)[..., None, None]
    if p in (None, 2, -2):
        u, s, vh = np.linalg.svd(x, full_matrices=False)
        hi, lo = (0, -1) if p != -2 else (-1, 0)
        top = u[..., :, hi, None] * vh[..., None, hi, :]
        bottom = u[..., :, lo, None] * vh[..., None, lo, :]
        sh, sl = s[..., hi, None, None], s[..., lo, None, None]
        return cotangent_of(gg * (top / sl - sh / sl ** 2 * bottom), x)
    if p not in ("fro", "nuc", 1, -1, np.inf, -np.inf):
        raise ValueError("srcgrad: np.linalg.cond is differentiated for p=None, 2, -2, 'fro', "
                         "'nuc', 1, -1, inf and -inf; not p=%r" % (p,))
    inv = np.linalg.inv(x)
    na = np.linalg.norm(x, p, axis=(-2, -1))[..., None, None]
    ni = np.linalg.norm(inv, p, axis=(-2, -1))[..., None, None]
    d_inv = -np.matmul(mH(inv), np.matmul(_norm_cotangent(inv, p), mH(inv)))
    return cotangent_of(gg * (ni * _norm_cotangent(x, p) + na * d_inv), x)


defvjp(np.linalg.cond, cond_vjp)

# ------------------------------------------------------------ rank

defnondiff(np.linalg.matrix_rank)
