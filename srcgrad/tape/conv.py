"""PyTorch's ``conv2d``, ``max_pool2d``, ``avg_pool2d``,
``adaptive_avg_pool2d`` and ``binary_cross_entropy_with_logits`` on tape
Tensors: PyTorch's arguments checked and normalised, then one recorded node
of a primitive of :mod:`srcgrad.rules.conv` (named as PyTorch names it:
``ConvolutionBackward0``, ``MaxPool2DWithIndicesBackward0``...).

Guarantees: values and gradients equal PyTorch's (float tolerance); an
argument the tape does not implement (``groups != 1``, ``padding_mode``
other than zeros, ``ceil_mode=True`` for average pooling when it changes the
output size) raises ``NotImplementedError`` naming it and the user's line;
a wrong shape raises PyTorch's ``RuntimeError``/``ValueError``.  Unbatched
``(C, H, W)`` inputs are accepted, as PyTorch does.
"""

import numpy as np

from ..rules import conv as convrules
from .record import apply as _apply, NAMES as _NAMES
from .tensor import Tensor
from .dispatch import refusal

__all__ = ["conv2d", "max_pool2d", "avg_pool2d", "adaptive_avg_pool2d",
           "binary_cross_entropy_with_logits", "pair", "unsupported"]

for _fn, _name in [(convrules.conv2d, "ConvolutionBackward0"),
                   (convrules.max_pool2d, "MaxPool2DWithIndicesBackward0"),
                   (convrules.avg_pool2d, "AvgPool2DBackward0"),
                   (convrules.adaptive_avg_pool2d, "AdaptiveAvgPool2DBackward0"),
                   (convrules.binary_cross_entropy_with_logits,
                    "BinaryCrossEntropyWithLogitsBackward0")]:
    _NAMES[id(_fn)] = _name


def unsupported(what, todo):
    """The located ``NotImplementedError`` for an argument the tape lacks."""
    return refusal("srcgrad.torch: %s is not supported by the tape." % what, todo,
                   NotImplementedError)


def pair(v, name="argument"):
    """``3`` -> ``(3, 3)``; ``(2, 3)`` stays; anything else is PyTorch's error."""
    if isinstance(v, Tensor):
        v = v.tolist()
    if isinstance(v, (int, np.integer)) and not isinstance(v, bool):
        return (int(v), int(v))
    if isinstance(v, (tuple, list)) and len(v) == 1:
        return (int(v[0]), int(v[0]))
    if isinstance(v, (tuple, list)) and len(v) == 2:
        return (int(v[0]), int(v[1]))
    raise RuntimeError("expected %s to be a single integer value or a list of 2 values to "
                       "match the convolution dimensions, but got %s=%r" % (name, name, v))


def _batched(input, what):
    """``(input as 4-d, whether it was unbatched)``."""
    nd = input.ndim
    if nd == 4:
        return input, False
    if nd == 3:
        return input.unsqueeze(0), True
    raise RuntimeError("%s: Expected 3D (unbatched) or 4D (batched) input to %s, but got "
                       "input of size: %s" % (what, what, list(input.shape)))


def _planes(input, what):
    """Pooling takes ``(C, H, W)`` or ``(N, C, H, W)`` as they are."""
    if input.ndim not in (3, 4):
        raise RuntimeError("%s: Expected 3D or 4D (batch mode) tensor for input, but got: %s"
                           % (what, list(input.shape)))
    return input


def _unbatch(out, unbatched):
    return out.squeeze(0) if unbatched else out


# ------------------------------------------------------------- convolution


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """``F.conv2d``: node ``ConvolutionBackward0`` (bias included, as PyTorch)."""
    if groups != 1:
        raise unsupported("conv2d with groups=%r (grouped or depthwise convolution)" % (groups,),
                          "Use groups=1, or split the channels and concatenate "
                          "(torch.cat of one conv2d per group).")
    x, unbatched = _batched(input, "conv2d")
    stride, dilation = pair(stride, "stride"), pair(dilation, "dilation")
    if weight.ndim != 4:
        raise RuntimeError("weight should have 4 dimensions for conv2d, got %d" % weight.ndim)
    kh, kw = weight.shape[2:]
    if weight.shape[1] != x.shape[1]:
        raise RuntimeError(
            "Given groups=1, weight of size %s, expected input%s to have %d channels, but "
            "got %d channels instead" % (list(weight.shape), list(x.shape), weight.shape[1],
                                         x.shape[1]))
    if isinstance(padding, str):
        if padding == "valid":
            pads = ((0, 0), (0, 0))
        elif padding == "same":
            if stride != (1, 1):
                raise ValueError("padding='same' is not supported for strided convolutions")
            pads = tuple(_same(dilation[i] * ((kh, kw)[i] - 1)) for i in range(2))
        else:
            raise ValueError("Invalid padding string '%s', should be one of {'valid', "
                             "'same'}" % padding)
    else:
        ph, pw = pair(padding, "padding")
        pads = ((ph, ph), (pw, pw))
    for i, n in enumerate(x.shape[2:]):
        k = (kh, kw)[i]
        if n + sum(pads[i]) < dilation[i] * (k - 1) + 1:
            raise RuntimeError(
                "Calculated padded input size per channel: (%d x %d). Kernel size: (%d x %d). "
                "Kernel size can't be greater than actual input size"
                % (x.shape[2] + sum(pads[0]), x.shape[3] + sum(pads[1]), kh, kw))
    out = _apply(convrules.conv2d, (x, weight, bias),
                 {"stride": stride, "padding": pads, "dilation": dilation})
    return _unbatch(out, unbatched)


def _same(total):
    return (total // 2, total - total // 2)


# ------------------------------------------------------------------ pooling


def _pool_args(kernel_size, stride, padding, what):
    k = pair(kernel_size, "kernel_size")
    s = k if stride is None or (isinstance(stride, (tuple, list)) and not stride) \
        else pair(stride, "stride")
    p = pair(padding, "padding")
    if p[0] > k[0] // 2 or p[1] > k[1] // 2:
        raise RuntimeError("%s: pad should be at most half of effective kernel size, but got "
                           "pad=%d, kernel_size=%d" % (what, max(p), max(k)))
    return k, s, p


def _pool_size(n, k, s, p, d, ceil_mode):
    """PyTorch's output size (the last window must start inside the input
    or its left padding)."""
    span = n + 2 * p - d * (k - 1) - 1
    if ceil_mode:
        out = -(-span // s) + 1
        if (out - 1) * s >= n + p:
            out -= 1
    else:
        out = span // s + 1
    return out


def _ceil_pads(shape, k, s, p, d, ceil_mode, what):
    pads = []
    for i in range(2):
        out = _pool_size(shape[i], k[i], s[i], p[i], d[i], ceil_mode)
        if out < 1:
            raise RuntimeError("%s: Given input size: (%dx%dx%d). Calculated output size: "
                               "(%dx%dx%d). Output size is too small"
                               % ((what,) + (0,) * 6))
        extra = (out - 1) * s[i] + d[i] * (k[i] - 1) + 1 - (shape[i] + 2 * p[i])
        pads.append((p[i], p[i] + max(extra, 0)))
    return tuple(pads)


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    """``F.max_pool2d`` (``return_indices=True`` gives PyTorch's flat indices too)."""
    x = _planes(input, "max_pool2d")
    k, s, p = _pool_args(kernel_size, stride, padding, "max_pool2d")
    d = pair(dilation, "dilation")
    pads = _ceil_pads(x.shape[-2:], k, s, p, d, ceil_mode, "max_pool2d")
    out = _apply(convrules.max_pool2d, (x, k, s), {"padding": pads, "dilation": d})
    if not return_indices:
        return out
    return out, Tensor._wrap(_max_indices(x._data, k, s, pads, d))


def _max_indices(x, k, s, pads, d):
    """The flat ``h * W + w`` position of each window's first maximum."""
    cols = convrules._pool_windows(x, k, s, pads, d, -np.inf)
    a = np.argmax(cols, axis=-1)
    ho, wo = cols.shape[2:4]
    a = a.reshape(x.shape[:-2] + (ho, wo))
    rows = (np.arange(ho) * s[0])[:, None] + (a // k[1]) * d[0] - pads[0][0]
    colsi = (np.arange(wo) * s[1])[None, :] + (a % k[1]) * d[1] - pads[1][0]
    return (rows * x.shape[-1] + colsi).astype(np.int64)


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
               count_include_pad=True, divisor_override=None):
    """``F.avg_pool2d``: node ``AvgPool2DBackward0``."""
    x = _planes(input, "avg_pool2d")
    k, s, p = _pool_args(kernel_size, stride, padding, "avg_pool2d")
    if ceil_mode and any(_pool_size(x.shape[-2 + i], k[i], s[i], p[i], 1, True) !=
                         _pool_size(x.shape[-2 + i], k[i], s[i], p[i], 1, False)
                         for i in range(2)):
        raise unsupported("avg_pool2d with ceil_mode=True when it adds a partial window",
                          "Pad the input (F.pad) so the windows fit, or use ceil_mode=False.")
    if divisor_override is not None and divisor_override == 0:
        raise RuntimeError("divisor must be not zero")
    out = _apply(convrules.avg_pool2d, (x, k, s),
                 {"padding": ((p[0], p[0]), (p[1], p[1])),
                  "count_include_pad": bool(count_include_pad),
                  "divisor_override": divisor_override})
    return out


def adaptive_avg_pool2d(input, output_size):
    """``F.adaptive_avg_pool2d`` (``None`` in ``output_size`` keeps that size)."""
    x = _planes(input, "adaptive_avg_pool2d")
    if isinstance(output_size, (tuple, list)) and len(output_size) == 2:
        size = tuple(x.shape[-2 + i] if v is None else int(v)
                     for i, v in enumerate(output_size))
    else:
        size = pair(output_size, "output_size")
    if size == (1, 1):      # PyTorch computes a global average as a mean (MeanBackward1)
        return x.mean((-1, -2), keepdim=True)
    return _apply(convrules.adaptive_avg_pool2d, (x, size))


# -------------------------------------------------------------------- losses


def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None,
                                     reduce=None, reduction="mean", pos_weight=None):
    """``F.binary_cross_entropy_with_logits``: node
    ``BinaryCrossEntropyWithLogitsBackward0``."""
    if size_average is not None or reduce is not None:
        reduction = _legacy_reduction(size_average, reduce)
    if reduction not in ("mean", "sum", "none"):
        raise ValueError("%s is not a valid value for reduction" % reduction)
    if tuple(target.shape) != tuple(input.shape):
        raise ValueError("Target size (%s) must be the same as input size (%s)"
                         % (_size(target), _size(input)))
    return _apply(convrules.binary_cross_entropy_with_logits,
                  (input, target, weight, pos_weight), {"reduction": reduction})


def _size(t):
    return "torch.Size([%s])" % ", ".join(str(n) for n in t.shape)


def _legacy_reduction(size_average, reduce):
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    if not reduce:
        return "none"
    return "mean" if size_average else "sum"

