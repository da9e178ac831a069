"""``np.fft`` (srcgrad/rules/fft.py) through both engines: realistic uses against
central finite differences, hand-derived gradients and PyTorch (``torch.fft``, a
second oracle with the same complex convention); every spec row's rule against
``torch.autograd``; real inputs get real gradients; what stays refused."""

import importlib.util
import os
import textwrap

import numpy as np
import pytest

import srcgrad
from srcgrad.rules import lookup
from srcgrad.testing import assert_allclose, numeric_grad

from rules_checker import C
from rules_spec import ROWS, make_args

torch = pytest.importorskip("torch")

MODES = ["compile", "tape", "auto"]
RNG = np.random.default_rng(12)
X8 = RNG.standard_normal(8)
X7 = RNG.standard_normal(7)
IMG = RNG.standard_normal((5, 6))
W8 = RNG.standard_normal(8)
H8 = np.exp(-np.fft.fftfreq(8) ** 2 * 20.0)              # a real, even frequency response
BLUR = np.exp(-(np.fft.fftfreq(5)[:, None] ** 2 + np.fft.fftfreq(6) ** 2) * 8.0)
W56 = RNG.standard_normal((5, 6))
Z6 = RNG.standard_normal(6) + 1j * RNG.standard_normal(6)
W6 = RNG.standard_normal(6)


def conjugating_multiply():
    """Whether np.multiply's rule follows the complex convention (``g * conj(x2)``):
    the losses that multiply a complex value by a complex one need it."""
    return lookup(np.multiply).vjps[0](1.0, None, 1.0, 1j) == -1j


needs_convention = pytest.mark.skipif(
    not conjugating_multiply(),
    reason="np.multiply's rule does not follow the complex convention yet")


def complex_numeric_grad(f, z, eps=1e-6):
    """``dL/dx + i dL/dy`` by central differences, real and imaginary parts perturbed
    separately."""
    g = np.zeros(np.shape(z), dtype=complex)
    for idx in np.ndindex(*np.shape(z)):
        for unit, part in ((1.0, 1.0), (1j, 1j)):
            zp, zm = z.copy(), z.copy()
            zp[idx] += eps * unit
            zm[idx] -= eps * unit
            g[idx] += part * (f(zp) - f(zm)) / (2 * eps)
    return g


#: How close to PyTorch each engine is (both compute in double precision: the tape
#: keeps float64 for np.abs / np.real of a complex128 value, as PyTorch does).
TORCH_RTOL = {"compile": 1e-9, "tape": 1e-9, "auto": 1e-9}


def torch_grad(tf, x):
    t = torch.tensor(x, requires_grad=True)
    tf(t).backward()
    return t.grad.resolve_conj().numpy()


# ------------------------------------------------------------ realistic uses

def power_spectrum(x):
    return np.sum(np.abs(np.fft.rfft(x)) ** 2)


def power_spectrum_torch(x):
    return torch.sum(torch.abs(torch.fft.rfft(x)) ** 2)


def parseval(x):
    return np.sum(np.abs(np.fft.fft(x, norm="ortho")) ** 2)


def spectral_filter(x):
    return np.sum(np.real(np.fft.ifft(np.fft.fft(x) * H8)) * W8)


def spectral_filter_torch(x):
    return torch.sum(torch.real(torch.fft.ifft(torch.fft.fft(x) * torch.tensor(H8)))
                     * torch.tensor(W8))


def band_limit(x):
    """Keep the lowest bins of an odd-length signal, back to its length."""
    spec = np.fft.rfft(x)
    return np.sum(np.fft.irfft(spec[:3], n=7) ** 3)


def band_limit_torch(x):
    return torch.sum(torch.fft.irfft(torch.fft.rfft(x)[:3], n=7) ** 3)


def blur_2d(img):
    """A Gaussian blur (a convolution with a real, even kernel) through fft2."""
    return np.sum(np.real(np.fft.ifft2(np.fft.fft2(img) * BLUR)) ** 2 * W56)


def blur_2d_torch(img):
    return torch.sum(torch.real(torch.fft.ifft2(torch.fft.fft2(img) * torch.tensor(BLUR)))
                     ** 2 * torch.tensor(W56))


def centred_spectrum(img):
    mag = np.abs(np.fft.fftshift(np.fft.fft2(img, s=(6, 8), norm="forward")))
    return np.sum(mag * np.arange(48.0).reshape(6, 8))


def centred_spectrum_torch(img):
    mag = torch.abs(torch.fft.fftshift(torch.fft.fft2(img, s=(6, 8), norm="forward")))
    return torch.sum(mag * torch.arange(48.0, dtype=torch.float64).reshape(6, 8))


def real_2d_round_trip(img):
    spec = np.fft.rfftn(img, axes=(1, 0), norm="ortho")
    back = np.fft.irfftn(spec * 0.5, s=(6, 5), axes=(1, 0), norm="ortho")
    return np.sum(np.tanh(back) * W56) + np.sum(np.real(np.fft.ifftshift(spec)))


def real_2d_round_trip_torch(img):
    spec = torch.fft.rfftn(img, dim=(1, 0), norm="ortho")
    back = torch.fft.irfftn(spec * 0.5, s=(6, 5), dim=(1, 0), norm="ortho")
    return torch.sum(torch.tanh(back) * torch.tensor(W56)) + \
        torch.sum(torch.real(torch.fft.ifftshift(spec)))


def padded_ifftn(img):
    weights = np.arange(36.0).reshape(4, 9)
    return np.sum(np.real(np.fft.ifftn(img, s=(4, 9), axes=(0, 1))) * weights)


def padded_ifftn_torch(img):
    return torch.sum(torch.real(torch.fft.ifftn(img, s=(4, 9), dim=(0, 1)))
                     * torch.arange(36.0, dtype=torch.float64).reshape(4, 9))


REAL = [(power_spectrum, power_spectrum_torch, X8), (power_spectrum, power_spectrum_torch, X7),
        (spectral_filter, spectral_filter_torch, X8), (band_limit, band_limit_torch, X7),
        (blur_2d, blur_2d_torch, IMG), (centred_spectrum, centred_spectrum_torch, IMG),
        (real_2d_round_trip, real_2d_round_trip_torch, IMG),
        (padded_ifftn, padded_ifftn_torch, IMG)]
REAL_IDS = ["%s-%d" % (f.__name__, np.size(x)) for f, _, x in REAL]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("f,tf,x", REAL, ids=REAL_IDS)
def test_real_signals_match_finite_differences_and_torch(f, tf, x, mode):
    got = srcgrad.grad(f, mode=mode)(x.copy())
    assert np.isrealobj(got) and np.shape(got) == np.shape(x)
    assert_allclose(got, numeric_grad(f, (x,), 0), rtol=1e-5, atol=1e-5)
    assert_allclose(got, torch_grad(tf, x), rtol=TORCH_RTOL[mode], atol=TORCH_RTOL[mode])


@pytest.mark.parametrize("mode", MODES)
def test_parseval_by_hand(mode):
    """``sum |fft(x, norm="ortho")|^2 = sum x^2``: the gradient is ``2 x``."""
    tol = TORCH_RTOL[mode]
    assert_allclose(srcgrad.grad(parseval, mode=mode)(X8), 2 * X8, rtol=tol, atol=tol)
    # rfft's bins of x (n = 8): sum |R_k|^2 = (sum_k |F_k|^2 + F_0^2 + F_4^2) / 2, where
    # sum_k |F_k|^2 = 8 sum x^2, F_0 = sum x, F_4 = sum (-1)^j x_j
    alt = (-1.0) ** np.arange(8)
    assert_allclose(srcgrad.grad(power_spectrum, mode=mode)(X8),
                    8 * X8 + np.sum(X8) + np.sum(alt * X8) * alt, rtol=tol, atol=tol)


# ------------------------------------------------------------ complex inputs

def complex_mix(z):
    return np.sum(np.real(np.fft.fft(z, n=8, norm="ortho")) * W8) + \
        np.sum(np.real(np.fft.ifft(np.conj(z))) * W6) + \
        np.sum(np.fft.irfft(z, n=9) * np.arange(9.0))


def complex_mix_torch(z):
    return torch.sum(torch.real(torch.fft.fft(z, n=8, norm="ortho")) * torch.tensor(W8)) + \
        torch.sum(torch.real(torch.fft.ifft(torch.conj(z))) * torch.tensor(W6)) + \
        torch.sum(torch.fft.irfft(z, n=9) * torch.arange(9.0, dtype=torch.float64))


def complex_2d(z):
    return np.sum(np.real(np.fft.fftshift(np.fft.fft2(z), axes=0)) * W56[:2, :3])


def complex_2d_torch(z):
    return torch.sum(torch.real(torch.fft.fftshift(torch.fft.fft2(z), dim=0))
                     * torch.tensor(W56[:2, :3]))


Z23 = RNG.standard_normal((2, 3)) + 1j * RNG.standard_normal((2, 3))
COMPLEX = [(complex_mix, complex_mix_torch, Z6), (complex_2d, complex_2d_torch, Z23)]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("f,tf,z", COMPLEX, ids=[c[0].__name__ for c in COMPLEX])
def test_complex_inputs_match_finite_differences_and_torch(f, tf, z, mode):
    got = srcgrad.grad(f, mode=mode)(z.copy())
    assert np.iscomplexobj(got)
    assert_allclose(got.real, complex_numeric_grad(f, z).real, rtol=1e-5, atol=1e-5)
    assert_allclose(got.imag, complex_numeric_grad(f, z).imag, rtol=1e-5, atol=1e-5)
    want = torch_grad(tf, z)
    assert_allclose(got.real, want.real, rtol=TORCH_RTOL[mode], atol=TORCH_RTOL[mode])
    assert_allclose(got.imag, want.imag, rtol=TORCH_RTOL[mode], atol=TORCH_RTOL[mode])


# --------------------------- uses that need the rest of the table on the convention

KERNEL = np.array([[0.5, 0.2, 0.0], [0.1, -0.3, 0.4]])


def convolve_2d(img, k):
    """Circular 2-D convolution of ``img`` with a small kernel, through fft2."""
    out = np.real(np.fft.ifft2(np.fft.fft2(img) * np.fft.fft2(k, s=img.shape)))
    return np.sum(out * W56)


def convolve_2d_torch(img, k):
    out = torch.real(torch.fft.ifft2(torch.fft.fft2(img) * torch.fft.fft2(k, s=img.shape)))
    return torch.sum(out * torch.tensor(W56))


def power_by_conj(x):
    z = np.fft.fft(x, n=12)
    return np.sum(np.real(z * np.conj(z)))


H8C = np.exp(2j * np.pi * np.arange(8) / 8) * H8


def complex_filter(x):
    return np.sum(np.real(np.fft.ifft(np.fft.fft(x) * H8C)) * W8)


@needs_convention
@pytest.mark.parametrize("mode", MODES)
def test_convolution_through_fft2(mode):
    gi, gk = srcgrad.grad(convolve_2d, wrt=(0, 1), mode=mode)(IMG, KERNEL)
    assert_allclose(gi, numeric_grad(convolve_2d, (IMG, KERNEL), 0), rtol=1e-5, atol=1e-5)
    assert_allclose(gk, numeric_grad(convolve_2d, (IMG, KERNEL), 1), rtol=1e-5, atol=1e-5)
    ti, tk = torch.tensor(IMG, requires_grad=True), torch.tensor(KERNEL, requires_grad=True)
    convolve_2d_torch(ti, tk).backward()
    assert_allclose(gi, ti.grad.numpy(), rtol=TORCH_RTOL[mode], atol=TORCH_RTOL[mode])
    assert_allclose(gk, tk.grad.numpy(), rtol=TORCH_RTOL[mode], atol=TORCH_RTOL[mode])
    # by hand: the gradient wrt the image is the circular correlation of W with k
    kp = np.zeros_like(IMG)
    kp[:2, :3] = KERNEL
    assert_allclose(gi, np.real(np.fft.ifft2(np.fft.fft2(W56) * np.conj(np.fft.fft2(kp)))),
                    rtol=TORCH_RTOL[mode], atol=TORCH_RTOL[mode])


@needs_convention
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("f", [power_by_conj, complex_filter], ids=lambda f: f.__name__)
def test_complex_products_of_spectra(f, mode):
    assert_allclose(srcgrad.grad(f, mode=mode)(X8), numeric_grad(f, (X8,), 0),
                    rtol=1e-5, atol=1e-5)


# ------------------------------------------------- every spec row against PyTorch

_TORCH = {"fft": "fft", "ifft": "ifft", "rfft": "rfft", "irfft": "irfft", "fftn": "fftn",
          "ifftn": "ifftn", "fft2": "fft2", "ifft2": "ifft2", "rfftn": "rfftn",
          "irfftn": "irfftn", "rfft2": "rfft2", "irfft2": "irfft2", "fftshift": "fftshift",
          "ifftshift": "ifftshift", "hfft": "hfft", "ihfft": "ihfft"}
FFT_CASES = [(row, case, 1000 + i * 10 + j) for i, row in enumerate(ROWS)
             if getattr(row.fn, "__module__", "") == "numpy.fft"
             for j, case in enumerate(row.cases)]
FFT_IDS = ["%s%s-%d" % (row.fn.__name__, "[%s]" % row.tag if row.tag else "", seed % 10)
           for row, case, seed in FFT_CASES]


def _torch_call(row, vals):
    """The same call through torch.fft: positional ``n, axis`` / ``s, axes`` and
    keywords renamed (``axis``/``axes`` are ``dim``)."""
    names = {"fftshift": ("dim",), "ifftshift": ("dim",)}.get(row.fn.__name__) or \
        (("n", "dim") if row.fn.__name__ in ("fft", "ifft", "rfft", "irfft", "hfft", "ihfft")
         else ("s", "dim"))
    kw = {{"axis": "dim", "axes": "dim"}.get(k, k): v for k, v in row.kw.items()}
    for name, v in zip(names, vals[1:]):
        kw[name] = v
    if kw.get("norm") is None:
        kw.pop("norm", None)
    fn = getattr(torch.fft, _TORCH[row.fn.__name__])
    return lambda t: fn(t, **kw)


@pytest.mark.parametrize("row,case,seed", FFT_CASES, ids=FFT_IDS)
def test_rule_equals_torch_autograd(row, case, seed):
    args = make_args(row, case, seed)
    vals = [a.value if isinstance(a, C) else a for a in args]
    ans = row.fn(*vals, **row.kw)
    rng = np.random.default_rng(seed)
    u = rng.standard_normal(ans.shape)
    if np.iscomplexobj(ans):
        u = u + 1j * rng.standard_normal(ans.shape)
    ct = lookup(row.fn).vjps[0](u, ans, *vals, **row.kw)
    assert np.iscomplexobj(ct) == np.iscomplexobj(vals[0]), "a real input gets a real cotangent"
    t = torch.tensor(vals[0], requires_grad=True)
    out = _torch_call(row, vals)(t)
    assert_allclose(np.real(out.detach().resolve_conj().numpy()), np.real(ans), rtol=1e-10,
                    atol=1e-10)
    out.backward(torch.tensor(u))
    want = t.grad.resolve_conj().numpy()
    assert_allclose(np.real(ct), np.real(want), rtol=1e-9, atol=1e-9)
    assert_allclose(np.imag(ct), np.imag(want), rtol=1e-9, atol=1e-9)


# ------------------------------------------------------------------ refusals

def _module(tmp_path, src):
    path = os.path.join(str(tmp_path), "fft_user.py")
    with open(path, "w") as fh:
        fh.write(textwrap.dedent(src))
    spec = importlib.util.spec_from_file_location("fft_user", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_out_keyword_is_refused_with_the_users_line(tmp_path):
    mod = _module(tmp_path, """
        import numpy as np

        def f(x):
            buf = np.zeros(4, dtype=complex)
            np.fft.fft(x, out=buf)
            return np.sum(np.real(buf))
        """)
    with pytest.raises(Exception, match="fft_user.py:6") as info:
        srcgrad.grad(mod.f, mode="compile")(X8[:4])
    assert "out" in str(info.value)


def spacing_loss(d):
    return np.sum(np.fft.fftfreq(8, d) ** 2) + np.sum(np.fft.rfftfreq(7, d * d))


@pytest.mark.parametrize("mode", MODES)
def test_sample_spacing_of_fftfreq(mode):
    """fftfreq / rfftfreq are NumPy Python functions: compiled from their source, and
    recorded op by op on the tape; ``d`` gets its gradient."""
    assert srcgrad.grad(spacing_loss, mode=mode)(0.5) == pytest.approx(
        numeric_grad(spacing_loss, (0.5,), 0), rel=1e-6)


def twice_over_axis_0(img):
    return np.sum(np.real(np.fft.fftn(img, axes=(0, 0))) * W56)


@pytest.mark.parametrize("mode", MODES)
def test_an_axis_named_twice_is_refused(mode):
    """NumPy transforms such an axis twice; srcgrad has no rule for that (it once
    gave wrong numbers), so the gradient raises instead of guessing."""
    with pytest.raises(NotImplementedError, match="axis named twice"):
        srcgrad.grad(twice_over_axis_0, mode=mode)(IMG)


def test_rules_take_the_real_part_of_a_cotangent_of_a_real_output():
    """A real output's cotangent is real; a complex one reaching irfft is read as
    its real part, never passed to rfft (which refuses complex input)."""
    a = Z6[:5]
    for fn, kw in ((np.fft.irfft, {}), (np.fft.irfftn, {"axes": (0,)})):
        rule = lookup(fn).vjps[0]
        g = RNG.standard_normal(8)
        np.testing.assert_allclose(rule(g + 1j, fn(a, **kw), a, **kw),
                                   rule(g, fn(a, **kw), a, **kw))
