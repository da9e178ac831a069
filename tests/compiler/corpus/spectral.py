"""Spectral code: power spectra, filters in the frequency domain, autocorrelation,
blurs through fft2, a helper computing a spectrum, loops over bands.  (Complex values
only meet real numbers here; products of two complex spectra are tested in
tests/rules/test_fft_engines.py.)"""

import numpy as np

from . import Case

R = np.random.default_rng(23)
SIGNAL = R.normal(size=16)
SHORT = R.normal(size=9)
IMAGE = R.normal(size=(6, 8))
TARGET = np.sin(np.linspace(0.0, 3.0, 16))


def smoothness_penalty(x):
    """High frequencies cost more: sum_k f_k^2 |X_k|^2."""
    spec = np.fft.rfft(x)
    freq = np.fft.rfftfreq(x.shape[0])
    return np.sum(freq ** 2 * np.abs(spec) ** 2) + 0.1 * np.sum(x ** 2)


def lowpass_denoise(x, cutoff=4):
    spec = np.fft.rfft(x)
    mask = np.zeros(spec.shape)
    mask[:cutoff] = 1.0
    smooth = np.fft.irfft(spec * mask, n=x.shape[0])
    return np.sum((smooth - TARGET[:x.shape[0]]) ** 2)


def autocorrelation(x):
    """Wiener-Khinchin: the autocorrelation is the inverse transform of the power."""
    n = x.shape[0]
    power = np.abs(np.fft.rfft(x, n=2 * n)) ** 2
    acf = np.fft.irfft(power, n=2 * n)[:n] / n
    return np.sum(acf[1:4] ** 2) / acf[0]


def blur(img, steps):
    ky = np.fft.fftfreq(img.shape[0])[:, None]
    kx = np.fft.fftfreq(img.shape[1])[None, :]
    gain = np.exp(-(kx ** 2 + ky ** 2) * 10.0)
    for _ in range(steps):
        img = np.real(np.fft.ifft2(np.fft.fft2(img) * gain))
    return np.sum(img ** 2 * np.arange(img.size).reshape(img.shape))


def magnitude(x, n, norm="backward"):
    return np.abs(np.fft.fft(x, n=n, norm=norm))


def band_energies(x):
    spec = magnitude(x, 20, norm="ortho")
    total = 0.0
    for lo, hi in ((0, 3), (3, 7), (7, 10)):
        total = total + np.log(1.0 + np.sum(spec[lo:hi] ** 2)) * (hi - lo)
    return total


def centred_image_spectrum(img, ortho):
    spec = np.fft.fftshift(np.fft.rfft2(img, norm="ortho" if ortho else None), axes=0)
    weights = np.linspace(-1.0, 1.0, spec.size).reshape(spec.shape)
    return np.sum(np.real(spec) * weights) + np.sum(np.abs(spec[:, 1:]))


def fftn_padded(x):
    spec = np.fft.fftn(x.reshape(3, 3), s=(4, 5), axes=(0, 1))
    back = np.fft.ifftn(spec, axes=(0, 1))
    weights = np.arange(20.0).reshape(4, 5)
    return np.sum(np.real(back) ** 2) + np.sum(np.fft.ifftshift(np.real(spec)) * weights)


CASES = [
    Case(smoothness_penalty, [(SIGNAL,), (SHORT,)]),
    Case(lowpass_denoise, [(SIGNAL,), (SHORT, 3)]),
    Case(autocorrelation, [(SIGNAL,), (SHORT,)]),
    Case(blur, [(IMAGE, 1), (IMAGE, 3), (IMAGE[:5, :7], 2)]),
    Case(band_energies, [(SIGNAL,), (SHORT,)]),
    Case(centred_image_spectrum, [(IMAGE, True), (IMAGE[:5], False)]),
    Case(fftn_padded, [(SHORT,)]),
]
