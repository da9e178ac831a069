"""``srcgrad.torch.nn.functional``: stateless layers and losses on tape Tensors,
built from the primitives of :mod:`srcgrad.rules.nn` and NumPy's."""

import numpy as np

from ...rules import nn as nnrules
from ...tape.tensor import Tensor
from ...tape.record import apply as _apply

__all__ = ["relu", "sigmoid", "tanh", "softplus", "leaky_relu", "softmax", "log_softmax",
           "linear", "mse_loss", "nll_loss", "cross_entropy"]


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
    out = input @ weight.t()
    return out if bias is None else out + bias


def mse_loss(input, target, reduction="mean"):
    return _apply(nnrules.mse_loss, (input, target), {"reduction": reduction})


def _target(target):
    return target._data if isinstance(target, Tensor) else np.asarray(target)


def nll_loss(input, target, reduction="mean"):
    return _apply(nnrules.nll_loss, (input, _target(target)), {"reduction": reduction})


def cross_entropy(input, target, reduction="mean"):
    return nll_loss(log_softmax(input, dim=-1 if input.ndim == 1 else 1), target, reduction)
