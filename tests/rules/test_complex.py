"""Complex numbers end to end, in both engines (docs/semantics.md, "Complex
numbers").  The convention is PyTorch's: the gradient of a real loss L with
respect to z = x + iy is dL/dx + i dL/dy.

Each function below is a real loss ``Re sum(conj(w) f(z))`` (w a fixed random
complex array) or a real function of complex values.  Its gradient is checked
against central finite differences that perturb the real and imaginary parts
separately (an oracle independent of any rule), in ``mode="compile"`` and
``mode="tape"``; where PyTorch has the function, ``srcgrad.torch.tensor``'s
``.backward()`` is also compared with ``torch`` exactly (to rounding).
"""

import numpy as np
import pytest

import srcgrad.torch
from srcgrad.testing import assert_allclose, numeric_grad

rng = np.random.default_rng(12)
Z = np.array([0.3 + 0.4j, -1.0 + 0.2j, 0.5 - 0.7j])
W = rng.normal(size=3) + 1j * rng.normal(size=3)
M = np.array([[1.0 + 0.5j, 0.2 - 0.1j], [0.3 + 0.2j, 2.0 - 0.4j]])
WM = rng.normal(size=(2, 2)) + 1j * rng.normal(size=(2, 2))
X = np.array([0.3, -1.2, 0.7])


def complex_fd(f, z, h=1e-6):
    """dL/dx + i dL/dy by central differences, entry by entry."""
    z = np.array(z, dtype=complex)
    out = np.zeros_like(z)
    for i in np.ndindex(z.shape):
        for d in (1.0, 1j):
            zp, zm = z.copy(), z.copy()
            zp[i] += h * d
            zm[i] -= h * d
            out[i] += d * (f(zp) - f(zm)) / (2 * h)
    return out


# ------------------------------------------------- holomorphic elementwise


def l_exp(z):
    return np.real(np.sum(np.conj(W) * np.exp(z)))


def l_log(z):
    return np.real(np.sum(np.conj(W) * np.log(z)))


def l_sin(z):
    return np.real(np.sum(np.conj(W) * np.sin(z)))


def l_cos(z):
    return np.real(np.sum(np.conj(W) * np.cos(z)))


def l_tanh(z):
    return np.real(np.sum(np.conj(W) * np.tanh(z)))


def l_sqrt(z):
    return np.real(np.sum(np.conj(W) * np.sqrt(z)))


def l_square(z):
    return np.real(np.sum(np.conj(W) * np.square(z)))


def l_reciprocal(z):
    return np.real(np.sum(np.conj(W) * np.reciprocal(z)))


def l_multiply(z):
    return np.real(np.sum(np.conj(W) * (z * W)))


def l_divide(z):
    return np.real(np.sum(np.conj(W) * (W / z + z / W)))


def l_power(z):
    return np.real(np.sum(np.conj(W) * (z ** 3 + np.power(2.0 + 1j, z))))


# --------------------------------------------- non-holomorphic, complex to real


def l_conj(z):
    return np.real(np.sum(np.conj(W) * np.conj(z)))


def l_real_imag(z):
    return np.sum(np.real(z) * 2.0 + np.imag(z) ** 2)


def l_attributes(z):
    return np.sum(z.real * 2.0 + z.imag ** 2 + np.conjugate(z).imag)


def l_angle(z):
    return np.sum(np.angle(z) * np.array([1.0, 2.0, 3.0]))


def l_abs(z):
    return np.sum(np.abs(z) ** 3)


def l_builtin_abs(z):
    return abs(z[0]) + abs(z[1]) * 2.0


def l_modulus_squared(z):
    return np.sum(np.real(z * np.conj(z)))


def l_real_if_close(z):
    return np.sum(np.real_if_close(z * np.conj(z)))


def l_astype(z):
    return np.sum(z.astype(complex) * np.conj(z)).real


def l_complex_builtin(z):
    return np.real(complex(z[0]) * W[0]) + np.imag(complex(z[1]))


def l_mixed(z):
    r = np.abs(z)            # real, then multiplied by complex values again
    return np.real(np.sum(r * W * np.conj(z)))


# --------------------------------------------------------------- reductions


def l_sum_mean(z):
    return np.real(np.conj(W[0]) * np.sum(z) + np.conj(W[1]) * np.mean(z))


def l_prod(z):
    return np.real(np.conj(W[0]) * np.prod(z))


def l_cumsum(z):
    return np.real(np.sum(np.conj(W) * np.cumsum(z)))


def l_cumprod(z):
    return np.real(np.sum(np.conj(W) * np.cumprod(z)))


def l_var(z):
    return np.var(z)


def l_std(z):
    return np.std(z, ddof=1)


# ------------------------------------------------------------------ linalg


def l_dot(z):
    return np.real(np.dot(z, W) * (1 + 2j))


def l_vdot_first(z):
    return np.real(np.vdot(z, W) * 1j)


def l_vdot_second(z):
    return np.real(np.vdot(W, z) * (1 + 1j))


def l_inner_outer(z):
    return np.real(np.inner(z, W) * (2 - 1j) + np.sum(np.conj(WM) * np.outer(z[:2], W[:2])))


def l_matmul(z):
    return np.real(np.sum(np.conj(WM) * (M @ z[:2].reshape(2, 1) @ z[1:].reshape(1, 2))))


def l_einsum_tensordot(z):
    return np.real(np.einsum("i,i->", np.conj(W), z * z) + np.tensordot(np.conj(W), z, axes=1))


def l_trace(z):
    return np.real(np.conj(W[0]) * np.trace(M * z[0]))


def l_norm(z):
    return np.linalg.norm(z) + np.linalg.norm(z, 1)


def l_inv(z):
    return np.real(np.sum(np.conj(WM) * np.linalg.inv(M + np.diag(z[:2]))))


def l_solve(z):
    return np.real(np.sum(np.conj(W[:2]) * np.linalg.solve(M + np.diag(z[1:]), z[:2])))


def l_det(z):
    return np.real(np.conj(W[0]) * np.linalg.det(M + np.diag(z[:2])))


def l_slogdet(z):
    sign, logabs = np.linalg.slogdet(M + np.diag(z[:2]))
    return np.real(np.conj(W[0]) * sign) + 2.0 * logabs


def l_svdvals(z):
    s = np.linalg.svd(M + np.diag(z[:2]), compute_uv=False)
    return np.sum(s ** 2 * np.array([1.0, 3.0]))


def l_eigvalsh(z):
    a = M + np.diag(z[:2])
    return np.sum(np.linalg.eigvalsh(a @ np.conj(a.T)) * np.array([1.0, 3.0]))


def l_eigh(z):
    a = M + np.diag(z[:2])
    w, v = np.linalg.eigh(a @ np.conj(a.T))
    return np.sum(w * np.array([1.0, 3.0])) + np.sum(np.abs(v[:, 0]) ** 4)


LOSSES = [l_exp, l_log, l_sin, l_cos, l_tanh, l_sqrt, l_square, l_reciprocal, l_multiply,
          l_divide, l_power, l_conj, l_real_imag, l_attributes, l_angle, l_abs,
          l_builtin_abs, l_modulus_squared, l_real_if_close, l_astype, l_complex_builtin,
          l_mixed, l_sum_mean, l_prod, l_cumsum, l_cumprod, l_var, l_std, l_dot,
          l_vdot_first, l_vdot_second, l_inner_outer, l_matmul, l_einsum_tensordot, l_trace,
          l_norm, l_inv, l_solve, l_det, l_slogdet, l_svdvals, l_eigvalsh, l_eigh]
TAPE_REFUSES = {l_complex_builtin}   # complex() of a Tensor, like float(): refused on the tape


@pytest.mark.parametrize("mode", ["compile", "tape"])
@pytest.mark.parametrize("loss", LOSSES, ids=[f.__name__[2:] for f in LOSSES])
def test_gradient_of_a_real_loss_of_a_complex_argument(loss, mode):
    if mode == "tape" and loss in TAPE_REFUSES:
        with pytest.raises(Exception, match="complex"):
            srcgrad.grad(loss, mode=mode)(Z.copy())
        return
    z = Z.copy()
    got = srcgrad.grad(loss, mode=mode)(z)
    assert np.array_equal(z, Z)                       # the argument is not mutated
    assert isinstance(got, np.ndarray) and got.dtype == complex and got.shape == Z.shape
    assert_allclose(got, complex_fd(loss, Z), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("mode", ["compile", "tape"])
def test_the_worked_example_modulus_squared_is_2z(mode):
    """docs/semantics.md's example: |z|^2 has gradient 2z (not 2 conj(z))."""
    def f(z):
        return np.real(z * np.conj(z))
    assert srcgrad.grad(f, mode=mode)(3.0 + 4.0j) == 6.0 + 8.0j


@pytest.mark.parametrize("mode", ["compile", "tape"])
def test_gradient_descent_descends(mode):
    def f(z):
        return np.sum(np.abs(z - (1.0 + 2.0j)) ** 2)
    z = np.array([0.0j, 3.0 - 1.0j])
    step = srcgrad.grad(f, mode=mode)
    for _ in range(50):
        z = z - 0.1 * step(z)
    assert_allclose(z, [1.0 + 2.0j, 1.0 + 2.0j], atol=1e-4)


# ---------------------------------------- a real argument's gradient is real


def r_through_complex(x):
    return np.real(np.sum(np.conj(W) * np.exp(1j * x) * x))


def r_indexed(x):
    e = np.exp(1j * x)
    return np.real(e[0] * W[0] + e[2] * W[1]) + np.abs(np.sum(x * W))


@pytest.mark.parametrize("mode", ["compile", "tape"])
@pytest.mark.parametrize("fn", [r_through_complex, r_indexed], ids=["through", "indexed"])
def test_a_real_arguments_gradient_is_real(fn, mode):
    got = srcgrad.grad(fn, mode=mode)(X.copy())
    assert got.dtype == np.float64
    assert_allclose(got, numeric_grad(fn, (X,), 0), rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("mode", ["compile", "tape"])
def test_a_real_scalar_arguments_gradient_is_a_float(mode):
    def f(t):
        return np.real(np.exp(1j * t) * (2.0 - 1.0j))
    got = srcgrad.grad(f, mode=mode)(0.7)
    assert type(got) is float
    assert_allclose(got, numeric_grad(f, (0.7,), 0))


# ------------------------------------------------------------- vjp and errors


def holomorphic(z):
    return np.sin(z) * z


def antiholomorphic(z):
    return np.conj(z) ** 2 + np.abs(z)


@pytest.mark.parametrize("mode", ["compile", "tape"])
@pytest.mark.parametrize("fn", [holomorphic, antiholomorphic], ids=["holo", "non-holo"])
def test_vjp_with_a_complex_cotangent(fn, mode):
    """vjp(f)(u) is the gradient of Re <u, f(z)> = Re sum(conj(u) f(z))."""
    u = np.array([1.0 - 0.5j, 0.2 + 2.0j, -1.0 + 0.3j])
    _, pull = srcgrad.vjp(fn, Z.copy(), mode=mode)
    got, = pull(u)
    want = complex_fd(lambda z: np.real(np.sum(np.conj(u) * fn(z))), Z)
    assert_allclose(got, want, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("mode", ["compile", "tape", "auto"])
@pytest.mark.parametrize("kind", ["grad", "value_and_grad"])
def test_grad_of_a_complex_output_is_refused(kind, mode):
    def f(z):
        return np.sum(z * z)
    transform = srcgrad.grad if kind == "grad" else srcgrad.value_and_grad
    with pytest.raises(TypeError, match=r"complex value.*np.real.*srcgrad.vjp") as err:
        transform(f, mode=mode)(Z.copy())
    assert "test_complex.py" in str(err.value)


@pytest.mark.parametrize("mode", ["compile", "tape"])
def test_eigenvector_phase_dependence_is_refused(mode):
    def f(z):
        a = M + np.diag(z[:2])
        w, v = np.linalg.eigh(a @ np.conj(a.T))
        return np.real(np.sum(v))      # depends on the arbitrary phases
    with pytest.raises(NotImplementedError, match="phases of the eigenvectors"):
        srcgrad.grad(f, mode=mode)(Z.copy())


@pytest.mark.parametrize("mode", ["compile", "tape"])
def test_complex_svd_phase_dependence_is_refused(mode):
    def f(z):
        u, s, vh = np.linalg.svd(M + np.diag(z[:2]))
        return np.real(u[0, 0]) + np.sum(s)     # depends on the arbitrary phases
    with pytest.raises(NotImplementedError, match="phases of the singular vectors"):
        srcgrad.grad(f, mode=mode)(Z.copy())


# ------------------------------------------------ the tape equals PyTorch


torch = pytest.importorskip("torch")

TORCH_CASES = [
    ("exp", lambda m, z: m.exp(z)), ("log", lambda m, z: m.log(z)),
    ("sin", lambda m, z: m.sin(z)), ("cos", lambda m, z: m.cos(z)),
    ("tanh", lambda m, z: m.tanh(z)), ("sqrt", lambda m, z: m.sqrt(z)),
    ("square", lambda m, z: z * z), ("reciprocal", lambda m, z: 1.0 / z),
    ("conj", lambda m, z: m.conj(z) * (2.0 - 1.0j)), ("abs", lambda m, z: m.abs(z) ** 3),
    ("angle", lambda m, z: m.angle(z)), ("real", lambda m, z: m.real(z) * z),
    ("imag", lambda m, z: m.imag(z) ** 2), ("prod", lambda m, z: m.prod(z)),
    ("cumsum", lambda m, z: m.cumsum(z, 0)), ("mean", lambda m, z: m.mean(z) * z),
    ("div", lambda m, z: (z + 2.0) / (z * z + 1.0)), ("pow", lambda m, z: z ** 3),
]


def _run(lib, fn, z, w):
    """``Re sum(conj(w) fn(z))`` backward: ``fn`` gets the module (torch, or
    NumPy, which dispatches to srcgrad's Tensors) and the leaf."""
    if lib == "torch":
        t = torch.tensor(z, requires_grad=True)
        torch.real(torch.sum(torch.conj(torch.tensor(w)) * fn(torch, t))).backward()
        return t.grad.resolve_conj().numpy()
    t = srcgrad.torch.tensor(z, requires_grad=True)
    np.real(np.sum(np.conj(w) * fn(np, t))).backward()
    return np.asarray(t.grad.numpy())


@pytest.mark.parametrize("name,fn", TORCH_CASES, ids=[n for n, _ in TORCH_CASES])
def test_the_tape_equals_torch(name, fn):
    got = _run("srcgrad", fn, Z.copy(), W)
    want = _run("torch", fn, Z.copy(), W)
    assert_allclose(got, want, rtol=1e-12, atol=1e-12)


def test_the_tape_equals_torch_on_the_worked_example():
    t = srcgrad.torch.tensor(3.0 + 4.0j, requires_grad=True)
    np.real(t * np.conj(t)).backward()
    ref = torch.tensor(3.0 + 4.0j, requires_grad=True)
    torch.real(ref * torch.conj(ref)).backward()
    assert complex(t.grad) == complex(ref.grad) == 6.0 + 8.0j


def test_a_real_leaf_gets_a_real_grad_on_the_tape_as_in_torch():
    x = np.array([0.3, -1.2])
    t = srcgrad.torch.tensor(x, requires_grad=True)
    np.real(np.sum(np.exp(t * 1j) * (2.0 - 1.0j))).backward()
    r = torch.tensor(x, requires_grad=True)
    torch.real(torch.sum(torch.exp(r * 1j) * (2.0 - 1.0j))).backward()
    assert t.grad.dtype == srcgrad.torch.float64
    assert_allclose(t.grad.numpy(), r.grad.numpy(), rtol=1e-12)


def test_backward_of_a_complex_scalar_needs_a_gradient_as_in_torch():
    t = srcgrad.torch.tensor(1.0 + 1.0j, requires_grad=True)
    with pytest.raises(RuntimeError, match="real scalar outputs"):
        (t * t).backward()


# ----------------------------------------------------- the docs' examples


def supported_row(z):
    """docs/supported.md's row for complex values, verbatim."""
    return np.sum(np.abs(np.exp(1j * z) * z.conj()) ** 2) + np.angle(z[0]) + \
        z.imag[1] * np.real(complex(z[0]))


def test_the_supported_md_example_compiles_and_matches_finite_differences():
    assert srcgrad.explain(supported_row, Z.copy(), mode="compile").engine == "compiler"
    got = srcgrad.grad(supported_row, mode="compile")(Z.copy())
    assert_allclose(got, complex_fd(supported_row, Z), rtol=1e-5, atol=1e-6)


def complex_qr_loss(z):
    a = M + np.diag(z[:2])
    q, r = np.linalg.qr(a @ np.conj(a.T))
    return np.sum(np.abs(q[0]) * np.abs(r[0]) ** 2)


@pytest.mark.parametrize("mode", ["compile", "tape"])
def test_qr_of_a_complex_matrix_matches_finite_differences(mode):
    """QR's rule is written with conjugate transposes (R's diagonal is real
    and positive, so Q and R are unique and abs(Q) is a fine loss)."""
    got = srcgrad.grad(complex_qr_loss, mode=mode)(Z.copy())
    assert_allclose(got, complex_fd(complex_qr_loss, Z), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("mode", ["compile", "tape"])
@pytest.mark.parametrize("fn", [np.linalg.cholesky], ids=["cholesky"])
def test_real_only_factorisations_refuse_complex_matrices(fn, mode):
    def f(z):
        a = M + np.diag(z[:2])
        out = fn(a @ np.conj(a.T))
        return np.sum(np.abs(out[0] if isinstance(out, tuple) else out))
    with pytest.raises(NotImplementedError, match="real inputs only"):
        srcgrad.grad(f, mode=mode)(Z.copy())


# --------------------------------------- complex svd through U and Vh


def svd_abs(z, full=False, shape=(3, 2)):
    a = np.reshape(np.concatenate([z, z[::-1] * 0.5j, z * z]), (3, 3))[:shape[0], :shape[1]]
    u, s, vh = np.linalg.svd(a, full_matrices=full)
    k = s.shape[0]
    return np.sum(np.abs(u[:, :k]) ** 2 * np.arange(1.0, k + 1.0)) + \
        np.sum(s * np.arange(1.0, k + 1.0)) + np.sum(np.abs(vh[:k] @ W[:vh.shape[1]]))


def svd_tall(z):
    return svd_abs(z, shape=(3, 2))


def svd_wide(z):
    return svd_abs(z, shape=(2, 3))


def svd_square(z):
    return svd_abs(z, shape=(3, 3))


def svd_square_full(z):
    return svd_abs(z, full=True, shape=(3, 3))


@pytest.mark.parametrize("mode", ["compile", "tape"])
@pytest.mark.parametrize("fn", [svd_tall, svd_wide, svd_square, svd_square_full],
                         ids=["tall", "wide", "square", "square-full"])
def test_complex_svd_through_phase_invariant_functions_of_u_and_vh(fn, mode):
    got = srcgrad.grad(fn, mode=mode)(Z.copy())
    assert_allclose(got, complex_fd(fn, Z), rtol=1e-5, atol=1e-6)


def test_complex_svd_equals_torch():
    a = np.reshape(np.concatenate([Z, Z[::-1] * 0.5j, Z * Z]), (3, 3))[:, :2]
    t = srcgrad.torch.tensor(a, requires_grad=True)
    u, s, vh = np.linalg.svd(t, full_matrices=False)
    (np.sum(np.abs(u) ** 2 * np.array([1.0, 2.0])) + np.sum(s * s)).backward()
    r = torch.tensor(a, requires_grad=True)
    ur, sr, vhr = torch.linalg.svd(r, full_matrices=False)
    (torch.sum(torch.abs(ur) ** 2 * torch.tensor([1.0, 2.0], dtype=torch.float64)) +
     torch.sum(sr * sr)).backward()
    assert_allclose(t.grad.numpy(), r.grad.numpy(), rtol=1e-9, atol=1e-12)


MZ = M + 0.3 * WM
TORCH_MATRIX_CASES = [
    ("matmul", lambda m, a: a @ a), ("inv", lambda m, a: m.linalg.inv(a)),
    ("det", lambda m, a: m.linalg.det(a)), ("solve", lambda m, a: m.linalg.solve(a, a[:, 0])),
    ("logabsdet", lambda m, a: m.linalg.slogdet(a)[1]),
    ("slogdet-sign", lambda m, a: m.linalg.slogdet(a)[0]),
    ("norm", lambda m, a: m.linalg.norm(a)), ("trace", lambda m, a: m.trace(a) * a),
    ("var", lambda m, a: (m.var(a) if m is np else m.var(a, correction=0)) * a), ("einsum", lambda m, a: m.einsum("ij,jk->ik", a, a)),
    ("vdot", lambda m, a: (m.vdot(a[0], a[1]) if m is np else
                           m.vdot(a[0], a[1].contiguous())) * a),
    ("svdvals", lambda m, a: m.linalg.svdvals(a)),
]


@pytest.mark.parametrize("name,fn", TORCH_MATRIX_CASES, ids=[n for n, _ in TORCH_MATRIX_CASES])
def test_the_tape_equals_torch_on_matrices(name, fn):
    rng = np.random.default_rng(3)
    out = fn(np, MZ)
    w = rng.normal(size=np.shape(out)) + 1j * rng.normal(size=np.shape(out))
    got = _run("srcgrad", fn, MZ.copy(), w)
    want = _run("torch", fn, MZ.copy(), w)
    assert_allclose(got, want, rtol=1e-10, atol=1e-12)


# ------- a real value's cotangent through conversions and indexing (compiled)


def r_item(x):
    return np.real(x.item(1) * W[0] + np.sum(x * W))


def r_tolist(x):
    items = x.tolist()
    return np.real(items[0] * W[0] + items[2] * W[1])


def r_float(x):
    return float(x[0]) * 2.0 + np.real(x[1] * W[0])


def r_setitem_into_complex(x):
    y = np.zeros(3, dtype=complex)
    y[0] = x[0]
    y[1:] = x[1:] * W[:2]
    return np.real(np.sum(y * W))


def r_fancy_index(x):
    return np.real(np.sum(x[np.array([0, 0, 2])] * W))


@pytest.mark.filterwarnings("error::numpy.exceptions.ComplexWarning")
@pytest.mark.parametrize("fn", [r_item, r_tolist, r_float, r_setitem_into_complex,
                                r_fancy_index],
                         ids=["item", "tolist", "float", "setitem", "fancy-index"])
def test_real_cotangents_through_conversions_and_indexing(fn):
    got = srcgrad.grad(fn, mode="compile")(X.copy())
    assert got.dtype == np.float64
    assert_allclose(got, numeric_grad(fn, (X,), 0), rtol=1e-5, atol=1e-7)
