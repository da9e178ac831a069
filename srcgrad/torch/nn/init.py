"""``torch.nn.init``: PyTorch's initialisers, drawing from the tape's
generator (``torch.manual_seed``; not PyTorch's random stream).

Each fills its tensor in place under ``no_grad`` (so it works on Parameters
that require grad, as PyTorch's do) and returns it.  Gains and fan
computations are PyTorch's.

>>> import srcgrad.torch as torch
>>> w = torch.empty(3, 5)
>>> torch.nn.init.constant_(w, 0.5).sum().item()
7.5
>>> torch.nn.init._calculate_fan_in_and_fan_out(torch.empty(4, 2, 3, 3))
(18, 36)
"""

import math

import numpy as np

from ...modes import no_grad
from ...tape.creation import generator
from ...tape.tensor import Tensor

__all__ = ["calculate_gain", "uniform_", "normal_", "constant_", "ones_", "zeros_", "eye_",
           "xavier_uniform_", "xavier_normal_", "kaiming_uniform_", "kaiming_normal_",
           "trunc_normal_", "orthogonal_"]


def calculate_gain(nonlinearity, param=None):
    """PyTorch's recommended gain for ``nonlinearity``."""
    linear = ("linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
              "conv_transpose3d")
    if nonlinearity in linear or nonlinearity == "sigmoid":
        return 1
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        if param is None:
            slope = 0.01
        elif not isinstance(param, bool) and isinstance(param, (int, float)):
            slope = param
        else:
            raise ValueError("negative_slope %s not a valid number" % param)
        return math.sqrt(2.0 / (1 + slope ** 2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError("Unsupported nonlinearity %s" % nonlinearity)


def _calculate_fan_in_and_fan_out(tensor):
    if tensor.dim() < 2:
        raise ValueError("Fan in and fan out can not be computed for tensor with fewer than "
                         "2 dimensions")
    receptive = 1
    for s in tensor.shape[2:]:
        receptive *= s
    return tensor.shape[1] * receptive, tensor.shape[0] * receptive


def _fan(tensor, mode):
    mode = mode.lower()
    if mode not in ("fan_in", "fan_out"):
        raise ValueError("Mode %s not supported, please use one of fan_in, fan_out" % mode)
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return fan_in if mode == "fan_in" else fan_out


def _set(tensor, values):
    if not isinstance(tensor, Tensor):
        raise TypeError("nn.init expects a Tensor, got %s" % type(tensor).__name__)
    with no_grad():
        tensor.copy_(Tensor._wrap(np.asarray(values, dtype=tensor._data.dtype)))
    return tensor


def _check_generator(generator):
    if generator is not None:
        raise TypeError("srcgrad.torch: nn.init(generator=...) is not supported: the tape has "
                        "one generator, seeded by torch.manual_seed.")


def uniform_(tensor, a=0.0, b=1.0, generator=None):
    _check_generator(generator)
    return _set(tensor, _rng().uniform(a, b, tuple(tensor.shape)))


def normal_(tensor, mean=0.0, std=1.0, generator=None):
    _check_generator(generator)
    return _set(tensor, _rng().normal(mean, std, tuple(tensor.shape)))


def _rng():
    return generator()


def trunc_normal_(tensor, mean=0.0, std=1.0, a=-2.0, b=2.0, generator=None):
    """Normal values redrawn until they fall in ``[a, b]``."""
    _check_generator(generator)
    rng = _rng()
    out = rng.normal(mean, std, tuple(tensor.shape))
    bad = (out < a) | (out > b)
    while bad.any():
        out[bad] = rng.normal(mean, std, int(bad.sum()))
        bad = (out < a) | (out > b)
    return _set(tensor, out)


def constant_(tensor, val):
    return _set(tensor, np.full(tuple(tensor.shape), val))


def ones_(tensor):
    return constant_(tensor, 1.0)


def zeros_(tensor):
    return constant_(tensor, 0.0)


def eye_(tensor):
    if tensor.dim() != 2:
        raise ValueError("Only tensors with 2 dimensions are supported")
    return _set(tensor, np.eye(*tensor.shape))


def xavier_uniform_(tensor, gain=1.0, generator=None):
    _check_generator(generator)
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    a = gain * math.sqrt(6.0 / float(fan_in + fan_out))
    return _set(tensor, _rng().uniform(-a, a, tuple(tensor.shape)))


def xavier_normal_(tensor, gain=1.0, generator=None):
    _check_generator(generator)
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    return _set(tensor, _rng().normal(0.0, std, tuple(tensor.shape)))


def kaiming_uniform_(tensor, a=0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
    _check_generator(generator)
    std = calculate_gain(nonlinearity, a) / math.sqrt(_fan(tensor, mode))
    bound = math.sqrt(3.0) * std
    return _set(tensor, _rng().uniform(-bound, bound, tuple(tensor.shape)))


def kaiming_normal_(tensor, a=0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
    _check_generator(generator)
    std = calculate_gain(nonlinearity, a) / math.sqrt(_fan(tensor, mode))
    return _set(tensor, _rng().normal(0.0, std, tuple(tensor.shape)))


def orthogonal_(tensor, gain=1, generator=None):
    _check_generator(generator)
    if tensor.dim() < 2:
        raise ValueError("Only tensors with 2 or more dimensions are supported")
    rows = tensor.shape[0]
    cols = tensor.numel() // rows
    flat = _rng().normal(0.0, 1.0, (rows, cols))
    if rows < cols:
        flat = flat.T
    q, r = np.linalg.qr(flat)
    q = q * np.sign(np.diag(r))
    if rows < cols:
        q = q.T
    return _set(tensor, gain * q.reshape(tuple(tensor.shape)))
