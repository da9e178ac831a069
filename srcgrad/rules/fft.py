"""``np.fft``: the discrete Fourier transforms and ``fftshift``.

Every transform is linear, so each rule is the transform's adjoint, under
the project's complex convention (PyTorch's: the cotangent of ``z = x + iy``
is ``dL/dx + i dL/dy``; the rule of a complex-linear map ``A`` is
``A^H g``, its conjugate transpose).

* ``fft`` / ``fftn`` (and ``fft2``) with ``norm`` have adjoint ``ifft`` /
  ``ifftn`` with the *dual* norm (``"backward"`` and ``"forward"`` swap,
  ``"ortho"`` stays): ``F^H = n * ifft``.  ``ifft`` likewise has adjoint
  ``fft`` with the dual norm.
* ``n`` / ``s`` pad the input with zeros or cut it before transforming; the
  adjoint transforms at the padded length, then cuts (or pads) the result
  back to the input's shape (:func:`fit`).
* ``rfft`` / ``rfftn``: the first ``n//2 + 1`` rows of ``fft`` of a real
  input; the adjoint pads ``g`` with zeros to ``n`` rows and takes the real
  part of the inverse transform.
* ``irfft`` / ``irfftn``: the output reads bin ``k`` once when it has no
  mirror image (``k = 0``, and ``k = n/2`` for even ``n``, whose imaginary
  parts NumPy ignores) and twice otherwise (``a_k`` and ``conj(a_k)``), so
  the adjoint is ``rfft`` with the dual norm times the weights
  ``[1, 2, ..., 2, 1 or 2]`` along the last transformed axis
  (:func:`hermitian_weights`).
* ``hfft`` / ``ihfft`` are ``irfft`` / ``rfft`` with a conjugation (NumPy
  defines them so) and use those rules.
* ``fftshift`` and ``ifftshift`` are permutations: each is the other's
  adjoint.

A real input gets the real part of its cotangent (its imaginary direction
does not exist).  ``out=`` is not taken (a call using it is refused), nor an
axis named twice in ``axes`` (the rule raises ``NotImplementedError``).
"""

import numpy as np

from . import defvjp

# ------------------------------------------------------------------ helpers

_DUAL = {None: "forward", "backward": "forward", "ortho": "ortho", "forward": "backward"}


def dual(norm):
    """The norm whose inverse transform is the adjoint of the transform with
    ``norm``."""
    return _DUAL[norm]


def fit(x, like):
    """``x`` cut, or padded with zeros at the end, to the shape of ``like``
    along every axis where they differ (the adjoint of NumPy's ``n`` / ``s``
    padding and truncation)."""
    shape = np.shape(like)
    x = x[tuple(slice(0, n) for n in shape)]
    widths = [(0, n - m) for n, m in zip(shape, x.shape)]
    return np.pad(x, widths) if any(w for _, w in widths) else x


def real_if(ct, a):
    """The cotangent of ``a``: its real part when ``a`` is real."""
    return ct if np.iscomplexobj(a) else np.real(ct)


def nd_axes(a, s, axes):
    """The axes an n-dimensional transform runs over, as NumPy picks them:
    ``axes``; the last ``len(s)`` axes when only ``s`` is given; else all.
    An axis named twice (NumPy transforms it twice) is refused."""
    if axes is None:
        return list(range(-len(s), 0)) if s is not None else list(range(np.ndim(a)))
    axes = list(axes)
    if len({ax % max(np.ndim(a), 1) for ax in axes}) < len(axes):
        raise NotImplementedError(
            "srcgrad: the gradient of an np.fft transform with an axis named twice "
            "(axes=%r) is not implemented; transform that axis with a second call "
            "instead" % (tuple(axes),))
    return axes


def hermitian_weights(n, axis, ndim):
    """How many times ``irfft`` of length ``n`` reads each of its ``n//2 + 1``
    bins (1 for bin 0 and an even ``n``'s last bin, 2 for the others), shaped
    to broadcast along ``axis`` of an ``ndim``-dimensional array."""
    w = np.full(n // 2 + 1, 2.0)
    w[0] = 1.0
    if n % 2 == 0:
        w[-1] = 1.0
    shape = [1] * ndim
    shape[axis] = n // 2 + 1
    return np.reshape(w, shape)


# ------------------------------------------------------------ complex transforms


def fft_vjp(g, ans, a, n=None, axis=-1, norm=None):
    """``F^H g``: ``ifft(g)`` with the dual norm, cut or zero-padded back to
    ``a``'s length (undoing ``n``); real part for a real ``a``."""
    return real_if(fit(np.fft.ifft(g, axis=axis, norm=dual(norm)), a), a)


def ifft_vjp(g, ans, a, n=None, axis=-1, norm=None):
    """``fft(g)`` with the dual norm, cut or zero-padded back to ``a``'s
    length; real part for a real ``a``."""
    return real_if(fit(np.fft.fft(g, axis=axis, norm=dual(norm)), a), a)


def fftn_vjp(g, ans, a, s=None, axes=None, norm=None):
    """``ifftn(g)`` over the same axes with the dual norm, cut or zero-padded
    back to ``a``'s shape (undoing ``s``); real part for a real ``a``."""
    return real_if(fit(np.fft.ifftn(g, axes=nd_axes(a, s, axes), norm=dual(norm)), a), a)


def ifftn_vjp(g, ans, a, s=None, axes=None, norm=None):
    """``fftn(g)`` over the same axes with the dual norm, cut or zero-padded
    back to ``a``'s shape; real part for a real ``a``."""
    return real_if(fit(np.fft.fftn(g, axes=nd_axes(a, s, axes), norm=dual(norm)), a), a)


def fft2_vjp(g, ans, a, s=None, axes=(-2, -1), norm=None):
    """As ``fftn`` (over the last two axes by default)."""
    return fftn_vjp(g, ans, a, s, axes, norm)


def ifft2_vjp(g, ans, a, s=None, axes=(-2, -1), norm=None):
    """As ``ifftn`` (over the last two axes by default)."""
    return ifftn_vjp(g, ans, a, s, axes, norm)


defvjp(np.fft.fft, fft_vjp)
defvjp(np.fft.ifft, ifft_vjp)
defvjp(np.fft.fftn, fftn_vjp)
defvjp(np.fft.ifftn, ifftn_vjp)
defvjp(np.fft.fft2, fft2_vjp)
defvjp(np.fft.ifft2, ifft2_vjp)

# ------------------------------------------------------------ real transforms


def rfft_vjp(g, ans, a, n=None, axis=-1, norm=None):
    """``g`` padded with zeros to the transform's length ``n``, then the real
    part of ``ifft`` with the dual norm, cut or padded back to ``a``."""
    n = np.shape(a)[axis] if n is None else n
    return np.real(fit(np.fft.ifft(g, n=n, axis=axis, norm=dual(norm)), a))


def irfft_vjp(g, ans, a, n=None, axis=-1, norm=None):
    """``rfft(g)`` with the dual norm, each bin weighted by how many times the
    output reads it (1 or 2); real part for a real ``a``."""
    n = np.shape(g)[axis]
    w = hermitian_weights(n, axis, np.ndim(g))
    return real_if(fit(np.fft.rfft(np.real(g), axis=axis, norm=dual(norm)) * w, a), a)


def rfftn_vjp(g, ans, a, s=None, axes=None, norm=None):
    """``g`` padded with zeros to the full length of the last axis, then the
    real part of ``ifftn`` with the dual norm, cut or padded back to ``a``."""
    axes = nd_axes(a, s, axes)
    n = np.shape(a)[axes[-1]] if s is None or s[-1] in (None, -1) else s[-1]
    full = [np.shape(g)[ax] for ax in axes[:-1]] + [n]
    return np.real(fit(np.fft.ifftn(g, s=full, axes=axes, norm=dual(norm)), a))


def irfftn_vjp(g, ans, a, s=None, axes=None, norm=None):
    """``rfftn(g)`` with the dual norm, each bin of the last axis weighted by
    how many times the output reads it (1 or 2)."""
    axes = nd_axes(a, s, axes)
    w = hermitian_weights(np.shape(g)[axes[-1]], axes[-1], np.ndim(g))
    return real_if(fit(np.fft.rfftn(np.real(g), axes=axes, norm=dual(norm)) * w, a), a)


def rfft2_vjp(g, ans, a, s=None, axes=(-2, -1), norm=None):
    """As ``rfftn`` (over the last two axes by default)."""
    return rfftn_vjp(g, ans, a, s, axes, norm)


def irfft2_vjp(g, ans, a, s=None, axes=(-2, -1), norm=None):
    """As ``irfftn`` (over the last two axes by default)."""
    return irfftn_vjp(g, ans, a, s, axes, norm)


defvjp(np.fft.rfft, rfft_vjp)
defvjp(np.fft.irfft, irfft_vjp)
defvjp(np.fft.rfftn, rfftn_vjp)
defvjp(np.fft.irfftn, irfftn_vjp)
defvjp(np.fft.rfft2, rfft2_vjp)
defvjp(np.fft.irfft2, irfft2_vjp)

# ----------------------------------------------- Hermitian-symmetric transforms


def hfft_vjp(g, ans, a, n=None, axis=-1, norm=None):
    """NumPy's ``hfft(a)`` is ``irfft(conj(a))`` with the dual norm: that rule,
    conjugated."""
    return np.conj(irfft_vjp(g, ans, np.conj(a), n, axis, dual(norm)))


def ihfft_vjp(g, ans, a, n=None, axis=-1, norm=None):
    """NumPy's ``ihfft(a)`` is ``conj(rfft(a))`` with the dual norm: rfft's rule
    of ``conj(g)``."""
    return rfft_vjp(np.conj(g), ans, a, n, axis, dual(norm))


defvjp(np.fft.hfft, hfft_vjp)
defvjp(np.fft.ihfft, ihfft_vjp)

# ------------------------------------------------------------------ shifts


def fftshift_vjp(g, ans, x, axes=None):
    """``ifftshift(g)``: the inverse permutation."""
    return np.fft.ifftshift(g, axes)


def ifftshift_vjp(g, ans, x, axes=None):
    """``fftshift(g)``: the inverse permutation."""
    return np.fft.fftshift(g, axes)


defvjp(np.fft.fftshift, fftshift_vjp)
defvjp(np.fft.ifftshift, ifftshift_vjp)
