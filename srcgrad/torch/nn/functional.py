"""``srcgrad.torch.nn.functional``: stateless layers and losses on tape Tensors,
built from the primitives of :mod:`srcgrad.rules.nn` and NumPy's."""

import numpy as np

from ...rules import nn as nnrules
from ...tape.tensor import Tensor
from ...tape.record import apply as _apply

__all__ = ["relu", "sigmoid", "tanh", "softplus", "leaky_relu", "softmax", "log_softmax",
           "linear", "mse_loss", "nll_loss", "cross_entropy", "conv2d", "max_pool2d",
           "avg_pool2d", "adaptive_avg_pool2d", "binary_cross_entropy_with_logits"]


def relu(input, inplace=False):
    return input.relu_() if inplace else _apply(nnrules.relu, (input,))


def sigmoid(input):
    return _apply(nnrules.sigmoid, (input,))


def tanh(input):
    return _apply(np.tanh, (input,))


def softplus(input, beta=1.0, threshold=20.0):
    return _apply(nnrules.softplus, (input, beta, threshold))


def leaky_relu(input, negative_slope=0.01, inplace=False):
    return _apply(nnrules.leaky_relu, (input, negative_slope))


def softmax(input, dim=None, dtype=None):
    return _apply(nnrules.softmax, (input,), {"axis": -1 if dim is None else dim})


def log_softmax(input, dim=None, dtype=None):
    return _apply(nnrules.log_softmax, (input,), {"axis": -1 if dim is None else dim})


def linear(input, weight, bias=None):
    """``input @ weight.T + bias``, recorded as PyTorch records it: one
    ``AddmmBackward0`` node with a bias, ``MmBackward0`` without, on input
    viewed as 2-D (and the result viewed back, as PyTorch names it)."""
    wt = weight.t()
    if not isinstance(input, Tensor) or input.ndim == 0 or \
            bias is not None and np.ndim(bias) > 1 and input.ndim != 2:
        out = input @ wt
        return out if bias is None else out + bias
    if input.ndim == 2:
        return input @ wt if bias is None else _apply(nnrules.addmm, (bias, input, wt))
    if bias is None and input.ndim == 1:        # PyTorch: unsqueeze, mm, squeeze
        return _apply(np.squeeze, (input.unsqueeze(0) @ wt, 0), name="SqueezeBackward4")
    flat = input.reshape(-1, input.shape[-1])
    shape = tuple(input.shape[:-1]) + (wt.shape[-1],)
    if bias is None:
        return _apply(np.reshape, (flat @ wt, shape), name="UnsafeViewBackward0")
    return _apply(nnrules.addmm, (bias, flat, wt)).reshape(shape)


def mse_loss(input, target, reduction="mean"):
    return _apply(nnrules.mse_loss, (input, target), {"reduction": reduction})


def _target(target):
    return target._data if isinstance(target, Tensor) else np.asarray(target)


def nll_loss(input, target, reduction="mean"):
    return _apply(nnrules.nll_loss, (input, _target(target)), {"reduction": reduction})


def cross_entropy(input, target, reduction="mean"):
    return nll_loss(log_softmax(input, dim=-1 if input.ndim == 1 else 1), target, reduction)


from ...tape.conv import (conv2d, max_pool2d, avg_pool2d, adaptive_avg_pool2d,  # noqa: E402
                          binary_cross_entropy_with_logits)
