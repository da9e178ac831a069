"""Convolution, pooling and the logits form of binary cross-entropy: the
primitives behind ``nn.Conv2d``, ``F.max_pool2d``/``avg_pool2d``,
``nn.AdaptiveAvgPool2d`` and ``F.binary_cross_entropy_with_logits``, with
their rules.

Images are ``(N, C, H, W)`` arrays; kernels ``(O, C, kh, kw)``.  Sizes are
pairs ``(h, w)``; ``padding`` is ``((top, bottom), (left, right))``.  The
primitives are written with NumPy stride tricks (a read-only window view of
the padded input, contracted with ``np.tensordot``: im2col without a Python
loop over pixels); the rules scatter back with one slice-add per kernel
offset.  The callers (``srcgrad.torch.nn.functional``) normalise PyTorch's
arguments into these forms and refuse what is not supported.

>>> import numpy as np
>>> x = np.arange(16.0).reshape(1, 1, 4, 4)
>>> max_pool2d(x, (2, 2), (2, 2)).tolist()
[[[[5.0, 7.0], [13.0, 15.0]]]]
>>> max_pool2d_vjp(np.ones((1, 1, 2, 2)), None, x, (2, 2), (2, 2))[0, 0].tolist()
[[0.0, 0.0, 0.0, 0.0], [0.0, 1.0, 0.0, 1.0], [0.0, 0.0, 0.0, 0.0], [0.0, 1.0, 0.0, 1.0]]
>>> conv2d(x, np.ones((1, 1, 2, 2)))[0, 0, 0].tolist()
[10.0, 14.0, 18.0]
"""

import numpy as np
from numpy.lib.stride_tricks import as_strided

from . import defvjp

__all__ = ["conv2d", "max_pool2d", "avg_pool2d", "adaptive_avg_pool2d",
           "binary_cross_entropy_with_logits"]

_NOPAD = ((0, 0), (0, 0))

# ---------------------------------------------------------------- windows


def _pad(x, padding, value=0.0):
    if padding == _NOPAD:
        return x
    return np.pad(x, ((0, 0), (0, 0)) + tuple(padding), constant_values=value)


def _out_size(n, k, s, d):
    return (n - d * (k - 1) - 1) // s + 1


def _windows(xp, ksize, stride, dilation):
    """The read-only view ``(N, C, Ho, Wo, kh, kw)`` of the padded input's windows."""
    n, c, h, w = xp.shape
    (kh, kw), (sh, sw), (dh, dw) = ksize, stride, dilation
    ho, wo = _out_size(h, kh, sh, dh), _out_size(w, kw, sw, dw)
    s0, s1, s2, s3 = xp.strides
    return as_strided(xp, (n, c, ho, wo, kh, kw),
                      (s0, s1, s2 * sh, s3 * sw, s2 * dh, s3 * dw), writeable=False)


def _scatter(cols, shape, padding, stride, dilation):
    """The adjoint of :func:`_windows`: ``cols`` ``(N, C, Ho, Wo, kh, kw)``
    summed back into an array of the unpadded ``shape``."""
    n, c, h, w = shape
    (pt, pb), (pl, pr) = padding
    (sh, sw), (dh, dw) = stride, dilation
    _, _, ho, wo, kh, kw = cols.shape
    out = np.zeros((n, c, h + pt + pb, w + pl + pr), dtype=cols.dtype)
    for i in range(kh):
        for j in range(kw):
            out[:, :, i * dh:i * dh + sh * (ho - 1) + 1:sh,
                j * dw:j * dw + sw * (wo - 1) + 1:sw] += cols[:, :, :, :, i, j]
    return out[:, :, pt:pt + h, pl:pl + w]


# ------------------------------------------------------------- convolution


def conv2d(x, w, b=None, stride=(1, 1), padding=_NOPAD, dilation=(1, 1)):
    """Cross-correlation of ``x`` ``(N, C, H, W)`` with ``w`` ``(O, C, kh, kw)``
    (plus ``b`` ``(O,)``): ``(N, O, Ho, Wo)``, as PyTorch's ``conv2d``."""
    cols = _windows(_pad(x, padding), w.shape[2:], stride, dilation)
    out = np.tensordot(cols, w, axes=([1, 4, 5], [1, 2, 3]))     # (N, Ho, Wo, O)
    out = np.ascontiguousarray(out.transpose(0, 3, 1, 2))
    if b is not None:
        out += np.reshape(b, (1, -1, 1, 1))
    return out


def conv2d_vjp_x(g, ans, x, w, b=None, stride=(1, 1), padding=_NOPAD, dilation=(1, 1)):
    gcols = np.tensordot(g, w, axes=([1], [0]))                 # (N, Ho, Wo, C, kh, kw)
    return _scatter(gcols.transpose(0, 3, 1, 2, 4, 5), np.shape(x), padding, stride,
                    dilation)


def conv2d_vjp_w(g, ans, x, w, b=None, stride=(1, 1), padding=_NOPAD, dilation=(1, 1)):
    cols = _windows(_pad(x, padding), np.shape(w)[2:], stride, dilation)
    return np.tensordot(g, cols, axes=([0, 2, 3], [0, 2, 3]))     # (O, C, kh, kw)


def conv2d_vjp_b(g, ans, x, w, b=None, stride=(1, 1), padding=_NOPAD, dilation=(1, 1)):
    return np.sum(g, axis=(0, 2, 3))


defvjp(conv2d, conv2d_vjp_x, conv2d_vjp_w, conv2d_vjp_b)

# ------------------------------------------------------------------ pooling


def _pool_windows(x, ksize, stride, padding, dilation, fill):
    """``(M, 1, Ho, Wo, kh * kw)``: the windows of ``x`` ``(..., H, W)``, its
    leading axes flattened into ``M`` (pooling acts on each plane alike)."""
    x4 = np.reshape(x, (-1, 1) + np.shape(x)[-2:])
    cols = _windows(_pad(x4, padding, fill), ksize, stride, dilation)
    m, c, ho, wo, kh, kw = cols.shape
    return cols.reshape(m, c, ho, wo, kh * kw)


def _planes(cols_out, x):
    """A pooled ``(M, 1, Ho, Wo)`` result with ``x``'s leading axes back."""
    return np.reshape(cols_out, np.shape(x)[:-2] + cols_out.shape[-2:])


def _scatter_planes(cols, x, padding, stride, dilation):
    """:func:`_scatter` for ``(M, 1, Ho, Wo, kh, kw)`` windows of ``x`` ``(..., H, W)``."""
    shape = np.shape(x)
    out = _scatter(cols, (cols.shape[0], 1) + shape[-2:], padding, stride, dilation)
    return np.reshape(out, shape)


def max_pool2d(x, ksize, stride, padding=_NOPAD, dilation=(1, 1)):
    """The maximum over each window of ``x`` ``(..., H, W)`` (padding is
    ``-inf``: never chosen)."""
    return _planes(np.max(_pool_windows(x, ksize, stride, padding, dilation, -np.inf),
                          axis=-1), x)


def max_pool2d_vjp(g, ans, x, ksize, stride, padding=_NOPAD, dilation=(1, 1)):
    """``g`` routed to the first maximum of each window (PyTorch's choice on ties)."""
    cols = _pool_windows(x, ksize, stride, padding, dilation, -np.inf)
    k = np.argmax(cols, axis=-1)
    g4 = np.reshape(g, k.shape)
    onehot = np.equal(k[..., None], np.arange(cols.shape[-1])) * g4[..., None]
    return _scatter_planes(onehot.reshape(k.shape + tuple(ksize)), x, padding, stride,
                           dilation)


def _pool_count(shape, ksize, stride, padding):
    """How many unpadded entries each window covers, ``(Ho, Wo)``."""
    ones = np.ones(tuple(shape[-2:]))
    return _pool_windows(ones, ksize, stride, padding, (1, 1), 0.0).sum(axis=-1)[0, 0]


def _divisor(shape, ksize, stride, padding, count_include_pad, divisor_override):
    if divisor_override:
        return float(divisor_override)
    if count_include_pad:
        return float(ksize[0] * ksize[1])
    return _pool_count(shape, ksize, stride, padding)


def avg_pool2d(x, ksize, stride, padding=_NOPAD, count_include_pad=True,
               divisor_override=None):
    """The mean over each window of ``x`` ``(..., H, W)`` (PyTorch's divisor rules)."""
    s = np.sum(_pool_windows(x, ksize, stride, padding, (1, 1), 0.0), axis=-1)
    return _planes(s, x) / _divisor(np.shape(x), ksize, stride, padding, count_include_pad,
                                    divisor_override)


def avg_pool2d_vjp(g, ans, x, ksize, stride, padding=_NOPAD, count_include_pad=True,
                   divisor_override=None):
    gd = g / _divisor(np.shape(x), ksize, stride, padding, count_include_pad,
                      divisor_override)
    gd = np.reshape(gd, (-1, 1) + np.shape(gd)[-2:])
    cols = np.broadcast_to(gd[..., None, None], np.shape(gd) + tuple(ksize))
    return _scatter_planes(cols, x, padding, stride, (1, 1))


def _adaptive_matrix(n, m, dtype):
    """``(m, n)``: row ``i`` averages PyTorch's adaptive window
    ``[floor(i n / m), ceil((i + 1) n / m))``."""
    a = np.zeros((m, n), dtype=dtype)
    for i in range(m):
        lo, hi = (i * n) // m, -((-(i + 1) * n) // m)
        a[i, lo:hi] = 1.0 / (hi - lo)
    return a


def adaptive_avg_pool2d(x, output_size):
    """``(N, C, H, W)`` -> ``(N, C, oh, ow)``: the windows are separable, so
    the result is ``A_h @ x @ A_w.T``."""
    h, w = np.shape(x)[-2:]
    dt = np.result_type(x, np.float32)
    ah, aw = _adaptive_matrix(h, output_size[0], dt), _adaptive_matrix(w, output_size[1], dt)
    return np.matmul(np.matmul(ah, x), aw.T)


def adaptive_avg_pool2d_vjp(g, ans, x, output_size):
    h, w = np.shape(x)[-2:]
    dt = np.result_type(g, np.float32)
    ah, aw = _adaptive_matrix(h, output_size[0], dt), _adaptive_matrix(w, output_size[1], dt)
    return np.matmul(np.matmul(ah.T, g), aw)


defvjp(max_pool2d, max_pool2d_vjp, None, None)
defvjp(avg_pool2d, avg_pool2d_vjp, None, None)
defvjp(adaptive_avg_pool2d, adaptive_avg_pool2d_vjp, None)

# ------------------------------------------------------------------- losses


def _softplus(x):
    return np.logaddexp(0.0, x)


def _reduce(v, reduction):
    if reduction == "mean":
        return np.mean(v)
    if reduction == "sum":
        return np.sum(v)
    return v


def _unreduce(g, shape, reduction):
    if reduction == "mean":
        n = 1
        for s in shape:
            n *= s
        return g / max(n, 1)
    return g


def _bce_shape(x, y, weight, pos_weight):
    return np.broadcast_shapes(*(np.shape(a) for a in (x, y, weight, pos_weight)
                                 if a is not None))


def binary_cross_entropy_with_logits(x, y, weight=None, pos_weight=None, reduction="mean"):
    """``-w [p y log sigmoid(x) + (1 - y) log(1 - sigmoid(x))]``, computed
    without overflow (``log sigmoid(x) = -softplus(-x)``)."""
    p = 1.0 if pos_weight is None else pos_weight
    loss = p * y * _softplus(-x) + (1 - y) * _softplus(x)
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, reduction)


def bce_logits_vjp_x(g, ans, x, y, weight=None, pos_weight=None, reduction="mean"):
    p = 1.0 if pos_weight is None else pos_weight
    s = np.exp(-np.logaddexp(0.0, -x))                            # sigmoid(x)
    d = (1 - y) * s - p * y * (1 - s)
    if weight is not None:
        d = d * weight
    return _unreduce(g, _bce_shape(x, y, weight, pos_weight), reduction) * d


def bce_logits_vjp_y(g, ans, x, y, weight=None, pos_weight=None, reduction="mean"):
    p = 1.0 if pos_weight is None else pos_weight
    d = p * _softplus(-x) - _softplus(x)
    if weight is not None:
        d = d * weight
    return _unreduce(g, _bce_shape(x, y, weight, pos_weight), reduction) * d


def bce_logits_vjp_weight(g, ans, x, y, weight=None, pos_weight=None, reduction="mean"):
    p = 1.0 if pos_weight is None else pos_weight
    d = p * y * _softplus(-x) + (1 - y) * _softplus(x)
    return _unreduce(g, _bce_shape(x, y, weight, pos_weight), reduction) * d


def bce_logits_vjp_pos_weight(g, ans, x, y, weight=None, pos_weight=None, reduction="mean"):
    d = y * _softplus(-x)
    if weight is not None:
        d = d * weight
    return _unreduce(g, _bce_shape(x, y, weight, pos_weight), reduction) * d


defvjp(binary_cross_entropy_with_logits, bce_logits_vjp_x, bce_logits_vjp_y,
       bce_logits_vjp_weight, bce_logits_vjp_pos_weight, broadcasts=True)
