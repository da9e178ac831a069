"""Linear algebra: products, einsum, and ``np.linalg``.

Every product (``dot``, ``matmul``, ``inner``, ``tensordot``) is written as
the einsum it equals, and differentiated by one helper,
:func:`srcgrad.rules.contractions.einsum_vjp`, which also sums batch axes that
``matmul`` broadcast.  These primitives are registered with
``broadcasts=False``: their rules return cotangents of exactly the argument's
shape.

``np.einsum``: call positions 0..16 each have a named rule ``einsum_vjp_0``
... ``einsum_vjp_16`` that passes its own position to
:func:`srcgrad.rules.contractions.einsum_call_vjp`, which reads both call forms: the
subscripts string (``einsum("ij,jk", a, b)``, operand k at position k + 1)
and the interleaved sublist form (``einsum(a, [0, 1], b, [1, 2], [0, 2])``,
operands at even positions).

Functions of symmetric matrices (``cholesky``, ``eigh``, ``eigvalsh``) read
only one triangle of their argument (the lower one, or the upper one for
``UPLO="U"`` / ``upper=True``): as functions of the whole array, their
gradient lives in that triangle (:func:`triangle_read`), each off-diagonal
entry carrying the weight of the pair it stands for.  This is the derivative
of what NumPy computes, right against finite differences in any direction;
for a symmetric perturbation it agrees with the symmetrized gradient that
PyTorch and JAX return.  Tuple outputs
(``slogdet``, ``eigh``, ``svd``) get ``g`` as a tuple, zeros for unused parts.
"""

import numpy as np

from . import defspecial, defvjp, up_to_positions, refuse_position
from .. import runtime
from .contractions import einsum_vjp, einsum_call_vjp, product_vjp_a, product_vjp_b
from .selection import extremum_share

# ------------------------------------------------------------------ products


def dot_vjp_a(g, ans, a, b, out=None):
    return product_vjp_a(g, a, b, runtime.dot_subscripts)


def dot_vjp_b(g, ans, a, b, out=None):
    return product_vjp_b(g, a, b, runtime.dot_subscripts)


def matmul_vjp_x1(g, ans, x1, x2):
    return product_vjp_a(g, x1, x2, runtime.matmul_subscripts)


def matmul_vjp_x2(g, ans, x1, x2):
    return product_vjp_b(g, x1, x2, runtime.matmul_subscripts)


def inner_vjp_a(g, ans, a, b):
    return einsum_vjp(g, runtime.inner_subscripts(np.ndim(a), np.ndim(b)), (a, b), 0)


def inner_vjp_b(g, ans, a, b):
    return einsum_vjp(g, runtime.inner_subscripts(np.ndim(a), np.ndim(b)), (a, b), 1)


def tensordot_vjp_a(g, ans, a, b, axes=2):
    return einsum_vjp(g, runtime.tensordot_subscripts(np.ndim(a), np.ndim(b), axes), (a, b), 0)


def tensordot_vjp_b(g, ans, a, b, axes=2):
    return einsum_vjp(g, runtime.tensordot_subscripts(np.ndim(a), np.ndim(b), axes), (a, b), 1)


def vdot_vjp_a(g, ans, a, b):
    """``vdot`` conjugates its first argument: ``conj(g) * b``."""
    return runtime.conj(g) * np.reshape(b, np.shape(a))


def vdot_vjp_b(g, ans, a, b):
    return g * np.reshape(a, np.shape(b))


def outer_vjp_a(g, ans, a, b, out=None):
    return np.reshape(np.dot(g, runtime.conj(np.ravel(b))), np.shape(a))


def outer_vjp_b(g, ans, a, b, out=None):
    return np.reshape(np.dot(runtime.conj(np.ravel(a)), g), np.shape(b))


def kron_vjp_a(g, ans, a, b):
    """Split each axis of ``g`` into an (a-axis, b-axis) pair and contract
    the b-axes with ``b``."""
    nd = max(np.ndim(a), np.ndim(b))
    sa = (1,) * (nd - np.ndim(a)) + np.shape(a)
    sb = (1,) * (nd - np.ndim(b)) + np.shape(b)
    gg = np.reshape(g, [n for pair in zip(sa, sb) for n in pair])
    return np.reshape(np.tensordot(gg, runtime.conj(np.reshape(b, sb)), axes=(list(range(1, 2 * nd, 2)),
                                                                list(range(nd)))), np.shape(a))


def kron_vjp_b(g, ans, a, b):
    nd = max(np.ndim(a), np.ndim(b))
    sa = (1,) * (nd - np.ndim(a)) + np.shape(a)
    sb = (1,) * (nd - np.ndim(b)) + np.shape(b)
    gg = np.reshape(g, [n for pair in zip(sa, sb) for n in pair])
    return np.reshape(np.tensordot(gg, runtime.conj(np.reshape(a, sa)), axes=(list(range(0, 2 * nd, 2)),
                                                                list(range(nd)))), np.shape(b))


def _vectors3(v, axis):
    """``v`` with its vector axis last, a 2-vector padded to ``(v0, v1, 0)``
    (how ``np.cross`` reads it next to a 3-vector)."""
    m = np.moveaxis(v, axis, -1)
    if m.shape[-1] == 2:
        m = np.concatenate([m, np.zeros(m.shape[:-1] + (1,))], -1)
    return m


def cross_vjp_a(g, ans, a, b, axisa=-1, axisb=-1, axisc=-1, axis=None):
    """``b x g`` (3-vectors; a 2-vector next to a 3-vector counts as one with
    a zero third component, which gets no cotangent); for two 2-vectors
    ``g * (b1, -b0)``.  Summed back to ``a``'s shape here: the output's shape
    is not the operands' broadcast shape (2-vectors give scalars)."""
    ia, ib, ic = (axisa, axisb, axisc) if axis is None else (axis, axis, axis)
    bc = runtime.conj(b)     # the adjoint of a complex-linear map (a 3-vector: b x g)
    bm = np.moveaxis(bc, ib, -1)
    if np.shape(a)[ia] == 2 and bm.shape[-1] == 2:
        res = np.stack([g * bm[..., 1], -g * bm[..., 0]], -1)
    else:
        res = np.cross(_vectors3(bc, ib), np.moveaxis(g, ic, -1))[..., :np.shape(a)[ia]]
    return np.moveaxis(runtime.unbroadcast(res, np.moveaxis(a, ia, -1)), -1, ia)


def cross_vjp_b(g, ans, a, b, axisa=-1, axisb=-1, axisc=-1, axis=None):
    ia, ib, ic = (axisa, axisb, axisc) if axis is None else (axis, axis, axis)
    ac = runtime.conj(a)
    am = np.moveaxis(ac, ia, -1)
    if np.shape(b)[ib] == 2 and am.shape[-1] == 2:
        res = np.stack([-g * am[..., 1], g * am[..., 0]], -1)
    else:
        res = np.cross(np.moveaxis(g, ic, -1), _vectors3(ac, ia))[..., :np.shape(b)[ib]]
    return np.moveaxis(runtime.unbroadcast(res, np.moveaxis(b, ib, -1)), -1, ib)


def trace_vjp(g, ans, a, offset=0, axis1=0, axis2=1, dtype=None, out=None):
    return np.moveaxis(np.asarray(g)[..., None, None] *
                       np.eye(np.shape(a)[axis1], np.shape(a)[axis2], offset),
                       (-2, -1), (axis1, axis2))


defvjp(np.dot, dot_vjp_a, dot_vjp_b)
defvjp(np.matmul, matmul_vjp_x1, matmul_vjp_x2)
defvjp(np.inner, inner_vjp_a, inner_vjp_b)
defvjp(np.tensordot, tensordot_vjp_a, tensordot_vjp_b)
defvjp(np.vdot, vdot_vjp_a, vdot_vjp_b)
defvjp(np.outer, outer_vjp_a, outer_vjp_b)
defvjp(np.kron, kron_vjp_a, kron_vjp_b)
defvjp(np.cross, cross_vjp_a, cross_vjp_b)
defvjp(np.trace, trace_vjp)

# -------------------------------------------------------------------- einsum


def einsum_vjp_0(g, ans, subscripts, *operands, optimize=False, **kwargs):
    """The rule for call position k is ``einsum_vjp_k``; all defer to
    ``einsum_call_vjp`` with their position, which reads the call in
    either form (subscripts string, or interleaved operands and sublists).
    Up to 16 operands (string form) or 8 (sublist form)."""
    return einsum_call_vjp(g, subscripts, operands, 0, optimize)


def einsum_vjp_1(g, ans, subscripts, *operands, optimize=False, **kwargs):
    return einsum_call_vjp(g, subscripts, operands, 1, optimize)


def einsum_vjp_2(g, ans, subscripts, *operands, optimize=False, **kwargs):
    return einsum_call_vjp(g, subscripts, operands, 2, optimize)


def einsum_vjp_3(g, ans, subscripts, *operands, optimize=False, **kwargs):
    return einsum_call_vjp(g, subscripts, operands, 3, optimize)


def einsum_vjp_4(g, ans, subscripts, *operands, optimize=False, **kwargs):
    return einsum_call_vjp(g, subscripts, operands, 4, optimize)


def einsum_vjp_5(g, ans, subscripts, *operands, optimize=False, **kwargs):
    return einsum_call_vjp(g, subscripts, operands, 5, optimize)


def einsum_vjp_6(g, ans, subscripts, *operands, optimize=False, **kwargs):
    return einsum_call_vjp(g, subscripts, operands, 6, optimize)


def einsum_vjp_7(g, ans, subscripts, *operands, optimize=False, **kwargs):
    return einsum_call_vjp(g, subscripts, operands, 7, optimize)


def einsum_vjp_8(g, ans, subscripts, *operands, optimize=False, **kwargs):
    return einsum_call_vjp(g, subscripts, operands, 8, optimize)


def einsum_vjp_9(g, ans, subscripts, *operands, optimize=False, **kwargs):
    return einsum_call_vjp(g, subscripts, operands, 9, optimize)


def einsum_vjp_10(g, ans, subscripts, *operands, optimize=False, **kwargs):
    return einsum_call_vjp(g, subscripts, operands, 10, optimize)


def einsum_vjp_11(g, ans, subscripts, *operands, optimize=False, **kwargs):
    return einsum_call_vjp(g, subscripts, operands, 11, optimize)


def einsum_vjp_12(g, ans, subscripts, *operands, optimize=False, **kwargs):
    return einsum_call_vjp(g, subscripts, operands, 12, optimize)


def einsum_vjp_13(g, ans, subscripts, *operands, optimize=False, **kwargs):
    return einsum_call_vjp(g, subscripts, operands, 13, optimize)


def einsum_vjp_14(g, ans, subscripts, *operands, optimize=False, **kwargs):
    return einsum_call_vjp(g, subscripts, operands, 14, optimize)


def einsum_vjp_15(g, ans, subscripts, *operands, optimize=False, **kwargs):
    return einsum_call_vjp(g, subscripts, operands, 15, optimize)


def einsum_vjp_16(g, ans, subscripts, *operands, optimize=False, **kwargs):
    return einsum_call_vjp(g, subscripts, operands, 16, optimize)


def einsum_vjp_more(g, ans, subscripts, *operands, optimize=False, **kwargs):
    """Call positions past 16: refused."""
    raise refuse_position("np.einsum", 17, "contract fewer operands per call")


_EINSUM = (einsum_vjp_0, einsum_vjp_1, einsum_vjp_2, einsum_vjp_3, einsum_vjp_4,
           einsum_vjp_5, einsum_vjp_6, einsum_vjp_7, einsum_vjp_8, einsum_vjp_9, einsum_vjp_10,
           einsum_vjp_11, einsum_vjp_12, einsum_vjp_13, einsum_vjp_14, einsum_vjp_15,
           einsum_vjp_16)
defvjp(np.einsum, *up_to_positions(_EINSUM, einsum_vjp_more))

# ------------------------------------------------------------------ np.linalg


def _mT(x):
    return np.swapaxes(x, -1, -2)


def _mH(x):
    """The conjugate transpose in the last two axes (the transpose for a
    real ``x``): the adjoint of a complex-linear map under srcgrad's
    convention."""
    return np.swapaxes(runtime.conj(x), -1, -2)


def _matrix_norm_factor(m, ord):
    """d norm / d m for matrices in the last two axes: ``ord=2``/``-2`` the
    outer product of the largest/smallest singular vectors; ``ord=1``/``-1``
    (column sums of ``|m|``) and ``inf``/``-inf`` (row sums) ``sign(m)`` on
    the extreme columns/rows, shared equally at ties."""
    if ord in (2, -2):
        u, _, vh = np.linalg.svd(m, full_matrices=False)
        k = 0 if ord == 2 else -1
        return u[..., :, k, None] * vh[..., None, k, :]
    if ord not in (1, -1, np.inf, -np.inf):
        raise NotImplementedError("gradient of the matrix norm ord=%r" % (ord,))
    sums = np.sum(np.abs(m), axis=-2 if ord in (1, -1) else -1)
    best = np.max(sums, axis=-1, keepdims=True) if ord in (1, np.inf) else \
        np.min(sums, axis=-1, keepdims=True)
    hit = sums == best
    share = hit / np.sum(hit, axis=-1, keepdims=True)
    return np.sign(m) * (share[..., None, :] if ord in (1, -1) else share[..., :, None])


def norm_vjp(g, ans, x, ord=None, axis=None, keepdims=False):
    """Vector p-norms (any ``ord``, incl. inf, -inf); matrix norms ``fro``,
    ``nuc``, 2, -2, 1, -1, inf, -inf.  At ties the cotangent is shared
    equally (singular values: the first of equal ones)."""
    xa = runtime.as_array(x)
    shape = xa.shape
    matrix = (np.ndim(axis) == 1 and len(axis) == 2) or (axis is None and xa.ndim == 2
                                                         and ord is not None)
    gx = runtime.expand_reduced(runtime.real_cotangent(g), shape, axis, keepdims)  # real
    nx = runtime.expand_reduced(ans, shape, axis, keepdims)
    if matrix and ord == "nuc":
        ax = (0, 1) if axis is None else tuple(i % xa.ndim for i in axis)
        m = np.moveaxis(xa, ax, (-2, -1))
        u, _, vh = np.linalg.svd(m, full_matrices=False)
        return gx * np.moveaxis(np.matmul(u, vh), (-2, -1), ax)
    if matrix and ord not in (None, "fro"):
        ax = (0, 1) if axis is None else tuple(i % xa.ndim for i in axis)
        return gx * np.moveaxis(_matrix_norm_factor(np.moveaxis(xa, ax, (-2, -1)), ord),
                                (-2, -1), ax)
    if ord == "fro":
        return gx * xa / nx
    return vector_norm_cotangent(gx, nx, xa, ans, ord, axis, keepdims)


def vector_norm_cotangent(gx, nx, xa, ans, ord, axis, keepdims):
    """The cotangent of a vector ``ord``-norm over ``axis`` (one axis, a tuple
    of axes, or all), given ``g`` and the norm expanded to ``xa``'s shape."""
    if ord is None or ord == 2:
        return gx * xa / nx
    if ord == 1:
        return gx * np.sign(xa)
    if ord == np.inf or ord == -np.inf:
        return gx * np.sign(xa) * extremum_share(np.abs(xa), ans, axis, keepdims)
    if ord == 0:
        return np.zeros(xa.shape)
    return gx * np.sign(xa) * np.abs(xa) ** (ord - 1) / nx ** (ord - 1)


def inv_vjp(g, ans, a):
    return -np.matmul(np.swapaxes(runtime.conj(ans), -1, -2),
                      np.matmul(g, np.swapaxes(runtime.conj(ans), -1, -2)))


def _solve_adjoint(g, a, b):
    """``solve(a^H, g)`` at the broadcast (batch) shape."""
    if np.ndim(b) == 1:
        return np.linalg.solve(_mH(a), np.asarray(g)[..., None])[..., 0]
    return np.linalg.solve(_mH(a), g)


def solve_vjp_a(g, ans, a, b):
    """Batch axes that ``solve`` broadcast are summed back to ``a``'s shape."""
    gb = _solve_adjoint(g, a, b)
    if np.ndim(b) == 1:
        ga = -gb[..., :, None] * runtime.conj(ans)[..., None, :]
    else:
        ga = -np.matmul(gb, _mH(ans))
    return runtime.unbroadcast_shape(ga, np.shape(a))


def solve_vjp_b(g, ans, a, b):
    gb = _solve_adjoint(g, a, b)
    return runtime.unbroadcast_shape(gb, np.shape(b))


def det_vjp(g, ans, a):
    return np.asarray(g * runtime.conj(ans))[..., None, None] * \
        np.swapaxes(runtime.conj(np.linalg.inv(a)), -1, -2)


def slogdet_vjp(g, ans, a):
    """``g = (g_sign, g_logabsdet)``.  A real sign is piecewise constant;
    a complex one, ``det / |det|``, turns with the phase of ``det``:
    ``(g_logabsdet - i Im(conj(g_sign) sign)) inv(a)^H``."""
    coef = runtime.real_cotangent(g[1])
    if runtime.is_complex(ans[0]):
        coef = coef - 1j * np.imag(np.conj(g[0]) * ans[0])
    return np.asarray(coef)[..., None, None] * _mH(np.linalg.inv(a))


def triangle_read(S, lower=True):
    """The gradient with respect to an array of which only one triangle is
    read as a symmetric matrix, from the symmetric gradient ``S`` with respect
    to that matrix: ``S_ii`` on the diagonal, ``2 S_ij`` in the triangle read,
    zero in the other."""
    n = S.shape[-1]
    keep = np.tril(np.ones((n, n)), -1) if lower else np.triu(np.ones((n, n)), 1)
    return S * (np.eye(n) + 2.0 * keep)


def cholesky_vjp(g, ans, a, upper=False):
    """Murray (2016): ``S = L^-T Phi(L^T gL) L^-1``, symmetrized, where Phi
    keeps the lower triangle and halves the diagonal; then put in the
    triangle NumPy reads."""
    runtime.real_only(a, "np.linalg.cholesky")
    runtime.numpy_semantics_only(ans, np.linalg.cholesky)   # (runtime/duck.py's table)
    L, gL = (_mT(ans), _mT(g)) if upper else (ans, g)
    P = np.matmul(_mT(L), gL)
    phi = np.tril(P) - 0.5 * P * np.eye(P.shape[-1])
    S = np.linalg.solve(_mT(L), _mT(np.linalg.solve(_mT(L), _mT(phi))))
    return triangle_read(0.5 * (S + _mT(S)), lower=not upper)


def eigh_vjp(g, ans, a, UPLO="L"):
    """``V (diag(gw) + F o (V^H gV)) V^H``, F_ij = 1/(w_j - w_i) off the
    diagonal; made Hermitian, then put in the triangle NumPy reads.  Assumes
    distinct eigenvalues.  A complex eigenvector's phase is arbitrary: a
    result that depends on it (``Im diag(V^H gV) != 0``) is refused."""
    w, v = ans
    gw, gv = g
    gw = runtime.real_cotangent(gw)    # the eigenvalues are real
    diff = w[..., None, :] - w[..., :, None]
    eye = np.eye(w.shape[-1])
    F = (1.0 - eye) / (diff + eye)
    vgv = np.matmul(_mH(v), gv)
    if runtime.is_complex(vgv):
        phase = np.abs(np.imag(np.diagonal(vgv, 0, -2, -1)))
        if np.any(phase > 1e-8 * (1.0 + np.max(np.abs(vgv)))):
            raise NotImplementedError(
                "srcgrad: the gradient of np.linalg.eigh of a complex matrix is not defined "
                "here: the result depends on the phases of the eigenvectors, which are "
                "arbitrary. Use quantities that do not (eigenvalues, |v|, v v^H)")
    inner = eye * np.asarray(gw)[..., None, :] + F * vgv
    X = np.matmul(v, np.matmul(inner, _mH(v)))
    return triangle_read(0.5 * (X + _mH(X)), lower=UPLO.upper() == "L")


def svd_vjp(g, ans, a, full_matrices=True, compute_uv=True, hermitian=False):
    """Townsend (2016), with conjugate transposes for a complex ``a`` (as
    PyTorch's ``svd_backward``): ``U (J S + diag(gs) + S K) V^H`` plus the
    terms of a non-square ``a``, ``J = F o skew(U^H gU)``, ``K = F o
    skew(V^H gV)``, ``F_jk = 1 / (s_k^2 - s_j^2)``; a complex ``a`` adds
    ``i Im diag(U^H gU) / s`` on the diagonal.  Assumes distinct nonzero
    singular values.  A complex singular pair is defined up to a common phase
    ``e^{i phi}``: a result that depends on it (``Im diag(U^H gU + V^H gV)
    != 0``) is refused.  With ``full_matrices=True`` and a non-square ``a``
    the columns of U (rows of Vh) beyond min(m, n) are not unique; their
    cotangents are ignored."""
    if not compute_uv:
        u, s, vh = np.linalg.svd(a, full_matrices=False)
        return np.matmul(u * runtime.real_cotangent(np.asarray(g))[..., None, :], vh)
    u, s, vh = ans
    gu, gs, gvh = g
    k = s.shape[-1]
    u, gu, v, gv = u[..., :, :k], gu[..., :, :k], _mH(vh[..., :k, :]), _mH(gvh[..., :k, :])
    eye = np.eye(k)
    s2 = s ** 2
    F = (1.0 - eye) / (s2[..., None, :] - s2[..., :, None] + eye)
    uhgu = np.matmul(_mH(u), gu)
    vhgv = np.matmul(_mH(v), gv)
    J = F * (uhgu - _mH(uhgu))
    K = F * (vhgv - _mH(vhgv))
    core = J * s[..., None, :] + eye * runtime.real_cotangent(np.asarray(gs))[..., None, :] + \
        s[..., :, None] * K
    if runtime.is_complex(a):
        phase_u = np.imag(np.diagonal(uhgu, 0, -2, -1))
        phase_v = np.imag(np.diagonal(vhgv, 0, -2, -1))
        scale = 1.0 + np.max(np.abs(uhgu)) + np.max(np.abs(vhgv))
        if np.any(np.abs(phase_u + phase_v) > 1e-8 * scale):
            raise NotImplementedError(
                "srcgrad: the gradient of np.linalg.svd of a complex matrix is not defined "
                "here: the result depends on the phases of the singular vectors, which are "
                "arbitrary (a pair u_k, v_k is defined up to a common factor e^(i phi)). Use "
                "quantities that do not (singular values, |u|, u u^H)")
        core = core + eye * (1j * phase_u / s)[..., None, :]
    out = np.matmul(u, np.matmul(core, _mH(v)))
    m, n = np.shape(a)[-2:]
    if m > k:
        out = out + np.matmul(gu - np.matmul(u, uhgu), _mH(v) / s[..., :, None])
    if n > k:
        out = out + np.matmul(u / s[..., None, :], _mH(gv - np.matmul(v, vhgv)))
    return out


defvjp(np.linalg.norm, norm_vjp)
defvjp(np.linalg.inv, inv_vjp)
defvjp(np.linalg.solve, solve_vjp_a, solve_vjp_b)
defvjp(np.linalg.det, det_vjp)
defvjp(np.linalg.slogdet, slogdet_vjp)
defvjp(np.linalg.cholesky, cholesky_vjp)
defvjp(np.linalg.eigh, eigh_vjp)
defvjp(np.linalg.svd, svd_vjp)


# ------------------------------------------------- rank-specialised products
# The same derivatives as dot_vjp_* / matmul_vjp_* for operands of known rank
# (matrix-matrix, matrix-vector, vector-matrix, vector-vector), as single
# expressions the compiler inlines.


def mm_vjp_a(g, ans, a, b):
    return g @ b.T.conj()


def mm_vjp_b(g, ans, a, b):
    return a.T.conj() @ g


def mv_vjp_a(g, ans, a, b):
    return np.outer(g, b.conj())


def mv_vjp_b(g, ans, a, b):
    return g @ a.conj()


def vm_vjp_a(g, ans, a, b):
    return b.conj() @ g


def vm_vjp_b(g, ans, a, b):
    return np.outer(a.conj(), g)


def vv_vjp_a(g, ans, a, b):
    return g * b.conj()


def vv_vjp_b(g, ans, a, b):
    return g * a.conj()


for _fn in (np.matmul, np.dot):
    for _ranks, _ra, _rb in (((2, 2), mm_vjp_a, mm_vjp_b), ((2, 1), mv_vjp_a, mv_vjp_b),
                             ((1, 2), vm_vjp_a, vm_vjp_b), ((1, 1), vv_vjp_a, vv_vjp_b)):
        defspecial(_fn, 0, _ranks, _ra)
        defspecial(_fn, 1, _ranks, _rb)
