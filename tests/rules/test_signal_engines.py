"""Signal-style and misc NumPy functions (rules/signal.py, np.r_/np.c_, the
remainder, grad of a non-differentiable ufunc itself) in realistic uses,
through the compiler, the tape and auto.  Oracles: central finite
differences, and PyTorch where it has the same function."""

import numpy as np
import pytest

import srcgrad
from srcgrad.testing import numeric_grad, assert_allclose

MODES = ["compile", "tape", "auto"]
RNG = np.random.default_rng(12)
KNOTS = np.array([0.0, 0.5, 1.2, 2.0, 3.0])
QUERY = np.array([-0.3, 0.1, 0.7, 1.1, 1.9, 2.4, 3.5])
COORDS = np.array([0.0, 0.3, 0.5, 1.0, 1.4, 2.0])
DATA_X = np.array([-1.0, -0.4, 0.2, 0.9, 1.5])
DATA_Y = np.array([0.8, 0.1, -0.2, 0.5, 1.9])


def pde_step(u, kappa):
    """Explicit diffusion steps with np.gradient (scalar step, edge_order 2)."""
    for _ in range(2):
        u = u + 0.01 * kappa * np.gradient(np.gradient(u, 0.2), 0.2, edge_order=2)
    return np.sum(u ** 2 * np.arange(1.0, 7.0))


def gradient_on_grid(f2d, h):
    """np.gradient of a 2-D field: a scalar step on axis 0, coordinates on axis 1."""
    gy, gx = np.gradient(f2d, h, COORDS)
    return np.sum(gx * np.cos(gy)) + np.sum(np.gradient(f2d, axis=1, edge_order=2) ** 2)


def smoothing(signal, kernel):
    out = 0.0
    for mode in ("full", "same", "valid"):
        out = out + np.sum(np.tanh(np.convolve(signal, kernel, mode=mode)) * 0.7)
    return out + np.sum(np.correlate(signal, kernel, "same") ** 2)


def interp_model(values, shift):
    pred = np.interp(QUERY + shift, KNOTS, values, 0.5 * values[0])  # left
    return np.sum((pred - np.sin(QUERY)) ** 2)


def polyfit(coeffs, x):
    return np.mean((np.polyval(coeffs, x) - DATA_Y) ** 2) + \
        np.sum(np.vander(x, 4, increasing=True) @ coeffs)


def integral(amp, t):
    y = (amp * np.sin(t)) ** 2
    return np.trapezoid(y, t) + np.trapezoid(y, dx=0.25)


def assembled(a, b):
    theta = np.r_[a, 0.0, b]
    return np.sum(theta ** 2 * np.arange(1.0, 6.0)) + np.sum(np.c_[a, b] @ np.array([1.0, -2.0]))


def remainders(x, y):
    return np.sum(np.sin(x % y) + np.mod(x, 0.7) * y + np.fmod(-x, y) ** 2
                  + np.remainder(2.5, y))


def float_remainder(x, p):
    return (x % p) * (x % 1.5) + (7.25 % p)


CASES = [
    (pde_step, (np.sin(np.linspace(0.0, 2.0, 6)), 0.8)),
    (gradient_on_grid, (RNG.normal(size=(3, 6)), 0.4)),
    (smoothing, (RNG.normal(size=6), np.array([0.25, 0.5, 0.3]))),
    (interp_model, (np.array([0.0, 0.4, 0.9, 1.0, 0.2]), 0.05)),
    (polyfit, (np.array([0.5, -0.2, 0.3, 0.1]), DATA_X.copy())),
    (integral, (1.3, COORDS.copy())),
    (remainders, (np.array([0.4, 2.5, -1.3, 3.3]), np.array([1.1, 0.9, 1.7, 0.6]))),
    (float_remainder, (3.7, 1.1)),
    (float_remainder, (-2.3, 0.9)),
]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("fn,args", CASES, ids=["%s-%d" % (c[0].__name__, i)
                                                for i, c in enumerate(CASES)])
def test_matches_finite_differences(fn, args, mode):
    wrt = tuple(range(len(args)))
    got = srcgrad.grad(fn, wrt=wrt, mode=mode)(*args)
    for i, g in zip(wrt, got):
        assert_allclose(g, numeric_grad(fn, args, i), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("mode", ["compile", "auto"])
def test_index_tricks_compile(mode):
    args = (np.array([0.5, -1.0]), np.array([2.0, 0.3]))
    got = srcgrad.grad(assembled, wrt=(0, 1), mode=mode)(*args)
    for i, g in enumerate(got):
        assert_allclose(g, numeric_grad(assembled, args, i))
    # hand-derived: theta = [a0, a1, 0, b0, b1], weights 1..5; c_ columns weigh 1 and -2
    assert_allclose(got[0], 2 * args[0] * np.array([1.0, 2.0]) + 1.0)
    assert_allclose(got[1], 2 * args[1] * np.array([4.0, 5.0]) - 2.0)


def test_index_tricks_refused_by_the_tape():
    """The tape cannot see inside np.r_ (it converts its items to ndarrays):
    refused, naming the user's line; mode="auto" compiles it instead."""
    with pytest.raises(srcgrad.TapeConversionError, match="test_signal_engines.py"):
        srcgrad.grad(assembled, wrt=(0, 1), mode="tape")(np.ones(2), np.ones(2))


def r_with_slices(a):
    return np.sum(np.r_[a, 1:4, -1.0:1.0:5j, a] * np.arange(12.0)) + \
        np.sum(np.c_[a, 0:2] @ np.array([2.0, 1.0]))


@pytest.mark.parametrize("mode", ["compile", "auto"])
def test_index_tricks_with_literal_slices(mode):
    a = np.array([0.5, -1.0])
    got = srcgrad.grad(r_with_slices, mode=mode)(a)
    assert_allclose(got, numeric_grad(r_with_slices, (a,), 0))
    assert_allclose(got, np.array([0.0, 1.0]) + np.array([10.0, 11.0]) + 2.0)


def r_with_directive(a):
    return np.sum(np.r_["0,2", a, a])


def r_with_a_computed_bound(a):
    n = a.shape[0]
    return np.sum(np.r_[a, 0:n])


@pytest.mark.parametrize("fn", [r_with_directive, r_with_a_computed_bound])
def test_other_index_tricks_are_refused_at_the_line(fn):
    """A directive string, or a slice bound that is not a literal: not
    rewritten, so refused when a differentiated value is an item."""
    with pytest.raises(SyntaxError, match="test_signal_engines.py:%d" %
                       (fn.__code__.co_firstlineno + (2 if fn is r_with_a_computed_bound else 1))):
        srcgrad.grad(fn, mode="compile")(np.ones(2))


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("ufunc", [np.ceil, np.floor, np.sign, np.round, np.trunc, np.rint,
                                   np.fix])
def test_grad_of_a_nondifferentiable_ufunc_itself_is_zero(ufunc, mode):
    assert srcgrad.grad(ufunc, mode=mode)(1.3) == 0.0
    value, g = srcgrad.value_and_grad(ufunc, mode=mode)(np.array(-1.7))
    assert value == ufunc(-1.7) and np.shape(g) == () and g == 0.0


@pytest.mark.parametrize("mode", MODES)
def test_asanyarray_and_real_if_close(mode):
    def f(x):
        return np.sum(np.real_if_close(x * 2.0) ** 2) + np.sum(np.asanyarray(x) * 3.0)
    x = np.array([0.5, -1.0, 2.0])
    if mode == "tape":  # the tape refuses np.asanyarray of a tracked value, as np.asarray
        with pytest.raises(srcgrad.TapeConversionError):
            srcgrad.grad(f, mode=mode)(x)
        return
    assert_allclose(srcgrad.grad(f, mode=mode)(x), 8.0 * x + 3.0)


def cumprod_through_zero(x):
    return np.sum(np.cumprod(x * np.array([1.0, 0.0, 1.0, 1.0])) * np.array([1.0, 2.0, 3.0, 4.0]))


@pytest.mark.parametrize("mode", MODES)
def test_cumprod_with_a_zero_is_finite_and_exact(mode):
    x = np.array([1.5, 0.7, -2.0, 0.4])
    g = srcgrad.grad(cumprod_through_zero, mode=mode)(x)
    assert np.all(np.isfinite(g))
    assert_allclose(g, numeric_grad(cumprod_through_zero, (x,), 0))


# ----------------------------------------------------------------- refusals


def interp_moving_nodes(x):
    return np.sum(np.interp(np.array([0.5, 1.5]), np.cumsum(x), np.arange(3.0)))


def test_interp_sample_points_are_refused_at_the_line_by_the_compiler():
    line = interp_moving_nodes.__code__.co_firstlineno + 1
    with pytest.raises(SyntaxError, match="test_signal_engines.py:%d: np.interp has no "
                       "derivative rule for its argument 2 \\(xp\\)" % line):
        srcgrad.grad(interp_moving_nodes, mode="compile")(np.array([0.5, 1.0, 1.5]))


@pytest.mark.parametrize("mode", ["tape", "auto"])
def test_interp_sample_points_are_refused_by_the_tape(mode):
    with pytest.raises(NotImplementedError, match="sample points xp"):
        srcgrad.grad(interp_moving_nodes, mode=mode)(np.array([0.5, 1.0, 1.5]))


def interp_unsorted_nodes(x):
    return np.sum(np.interp(np.array([0.5, 1.5]), np.array([2.0, 0.0, 1.0]), x))


@pytest.mark.parametrize("mode", MODES)
def test_interp_with_unsorted_nodes_is_refused(mode):
    """NumPy does not check that xp increases (its values are then not a
    piecewise-linear function of x and fp): the rules refuse."""
    with pytest.raises(ValueError, match="not increasing"):
        srcgrad.grad(interp_unsorted_nodes, mode=mode)(np.array([0.5, 1.0, 1.5]))


def polyval_matrix_coefficients(P, x):
    """A 2-D coefficient array: NumPy's Horner loop runs over its rows."""
    return np.sum(np.polyval(P, x) * np.array([[1.0, -2.0], [0.5, 3.0]]))


@pytest.mark.parametrize("mode", MODES)
def test_polyval_with_matrix_coefficients(mode):
    args = (RNG.normal(size=(3, 2)), RNG.normal(size=(2, 2)))
    got = srcgrad.grad(polyval_matrix_coefficients, wrt=(0, 1), mode=mode)(*args)
    for i in range(2):
        assert_allclose(got[i], numeric_grad(polyval_matrix_coefficients, args, i))


def gradient_moving_coordinates(x):
    return np.sum(np.gradient(x, np.cumsum(x)))


@pytest.mark.parametrize("mode", MODES)
def test_gradient_coordinates_are_refused(mode):
    with pytest.raises(NotImplementedError, match="sample coordinates"):
        srcgrad.grad(gradient_moving_coordinates, mode=mode)(np.array([0.5, 1.0, 1.5]))


def square(v):
    return v * v


def piecewise_model(x):
    return np.sum(np.piecewise(x, [x < 1.0, x >= 1.0], [square, 1.0]))


def test_piecewise_is_refused_at_the_line_by_the_compiler():
    line = piecewise_model.__code__.co_firstlineno + 1
    with pytest.raises(SyntaxError, match="test_signal_engines.py:%d: np.piecewise calls its "
                       "functions" % line) as err:
        srcgrad.grad(piecewise_model, mode="compile")(np.array([0.5, 1.5]))
    assert "np.where" in str(err.value)


@pytest.mark.parametrize("mode", ["tape", "auto"])
def test_piecewise_is_refused_by_the_tape(mode):
    with pytest.raises(NotImplementedError, match="test_signal_engines.py:.*piecewise"):
        srcgrad.grad(piecewise_model, mode=mode)(np.array([0.5, 1.5]))


# --------------------------------------------------- complex (PyTorch's convention)


def _complex_fd(fn, args, i, eps=1e-6):
    """dL/dx + i dL/dy by central differences on the real and imaginary parts."""
    x = args[i]
    g = np.zeros(x.shape, complex)
    for k in range(x.size):
        for step, w in ((eps, 1.0), (1j * eps, 1j)):
            a = list(args)
            a[i] = x.copy()
            a[i][k] += step
            up = fn(*a)
            a[i] = x.copy()
            a[i][k] -= step
            g[k] += w * (up - fn(*a)) / (2 * eps)
    return g


def complex_filters(z, v):
    return np.sum(np.real(np.convolve(z, v)) * np.arange(7.0)) + \
        np.sum(np.real(np.correlate(z, v, "same")) * np.arange(5.0))


@pytest.mark.parametrize("mode", MODES)
def test_complex_convolve_correlate(mode):
    z = RNG.normal(size=5) + 1j * RNG.normal(size=5)
    v = RNG.normal(size=3) + 1j * RNG.normal(size=3)
    got = srcgrad.grad(complex_filters, wrt=(0, 1), mode=mode)(z, v)
    for i in range(2):
        assert_allclose(got[i].real, _complex_fd(complex_filters, (z, v), i).real)
        assert_allclose(got[i].imag, _complex_fd(complex_filters, (z, v), i).imag)


# ------------------------------------------------------------ PyTorch oracle


@pytest.fixture(scope="module")
def torch():
    return pytest.importorskip("torch")


def _t(torch, x):
    return torch.tensor(x, dtype=torch.float64, requires_grad=True)


@pytest.mark.parametrize("mode", MODES)
def test_remainder_and_fmod_match_torch(torch, mode):
    x = np.array([0.4, 2.5, -1.3, 3.3, -4.1])
    y = np.array([1.1, -0.9, 1.7, 0.6, 1.3])

    def f(x, y):
        return np.sum(np.remainder(x, y) * np.arange(1.0, 6.0) + np.fmod(x, y) ** 2)
    got = srcgrad.grad(f, wrt=(0, 1), mode=mode)(x, y)
    xt, yt = _t(torch, x), _t(torch, y)
    (torch.remainder(xt, yt) * torch.arange(1.0, 6.0, dtype=torch.float64)
     + torch.fmod(xt, yt) ** 2).sum().backward()
    assert_allclose(got[0], xt.grad.numpy())
    assert_allclose(got[1], yt.grad.numpy())


@pytest.mark.parametrize("mode", MODES)
def test_trapezoid_matches_torch(torch, mode):
    y, t = RNG.normal(size=(2, 6)), COORDS.copy()

    def f(y, t):
        return np.sum(np.trapezoid(y ** 2, t) * np.array([1.0, -2.0]))
    got = srcgrad.grad(f, wrt=(0, 1), mode=mode)(y, t)
    yt, tt = _t(torch, y), _t(torch, t)
    (torch.trapezoid(yt ** 2, tt) * torch.tensor([1.0, -2.0], dtype=torch.float64)).sum() \
        .backward()
    assert_allclose(got[0], yt.grad.numpy())
    assert_allclose(got[1], tt.grad.numpy())


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("edge_order", [1, 2])
def test_gradient_matches_torch(torch, mode, edge_order):
    u = RNG.normal(size=(4, 6))
    w0, w1 = RNG.normal(size=(4, 6)), RNG.normal(size=(4, 6))

    def f(u, h):
        g0, g1 = np.gradient(u, h, COORDS, edge_order=edge_order)
        return np.sum(g0 * w0) + np.sum(g1 * w1)
    got = srcgrad.grad(f, wrt=(0, 1), mode=mode)(u, 0.3)
    ut, ht = _t(torch, u), _t(torch, np.array(0.3))
    rows = ht * torch.arange(4.0, dtype=torch.float64)  # the scalar step as coordinates
    g0, g1 = torch.gradient(ut, spacing=(rows, torch.tensor(COORDS)), edge_order=edge_order)
    ((g0 * torch.tensor(w0)).sum() + (g1 * torch.tensor(w1)).sum()).backward()
    assert_allclose(got[0], ut.grad.numpy())
    assert_allclose(got[1], float(ht.grad))


@pytest.mark.parametrize("mode", MODES)
def test_vander_matches_torch_powers(torch, mode):
    x = np.array([0.5, 0.0, -1.2, 2.0])
    w = RNG.normal(size=(4, 5))

    def f(x):
        return np.sum(np.vander(x, 5, increasing=True) * w)
    xt = _t(torch, x)  # torch.vander's backward fails here (an in-place op): powers instead
    (xt[:, None] ** torch.arange(5.0, dtype=torch.float64) * torch.tensor(w)).sum().backward()
    assert_allclose(srcgrad.grad(f, mode=mode)(x), xt.grad.numpy())


@pytest.mark.parametrize("mode", MODES)
def test_convolve_matches_torch(torch, mode):
    a, v = RNG.normal(size=7), RNG.normal(size=3)

    def f(a, v):
        return np.sum(np.convolve(a, v) * np.arange(9.0))
    got = srcgrad.grad(f, wrt=(0, 1), mode=mode)(a, v)
    at, vt = _t(torch, a), _t(torch, v)
    full = torch.nn.functional.conv1d(torch.nn.functional.pad(at[None, None], (2, 2)),
                                      torch.flip(vt, [0])[None, None])[0, 0]
    (full * torch.arange(9.0, dtype=torch.float64)).sum().backward()
    assert_allclose(got[0], at.grad.numpy())
    assert_allclose(got[1], vt.grad.numpy())
