"""``srcgrad.torch``: PyTorch's namespace over srcgrad's tape.

>>> import srcgrad.torch as torch
>>> x = torch.tensor([2.0, 3.0], requires_grad=True)
>>> (x ** 2).sum().backward()
>>> x.grad
tensor([4., 6.])

The names here are PyTorch's (``torch.sum``, ``torch.float32``, ``torch.nn``,
``torch.optim``, ``torch.autograd``...), so ``import srcgrad.torch as torch``
runs PyTorch training code on NumPy.  They live in this subpackage, not on
``srcgrad`` itself, because several shadow builtins (``sum``, ``max``,
``float``) and a compiler user's ``import srcgrad`` should not see them.  The
tape engine is :mod:`srcgrad.tape`; this package only names its public parts.
"""

from ..tape import (Tensor, Size, tensor, as_tensor, zeros, ones, full, empty,
                    zeros_like, ones_like, full_like, randn, rand, randint, randn_like,
                    rand_like, arange, linspace, eye, from_numpy, manual_seed, stack, cat,
                    where, is_tensor, dtype, float32, float64, float16, int64, int32, int16,
                    int8, uint8, bool, complex64, complex128, float, double, half, long, int,
                    sigmoid, relu, tanh, exp, log, sin, cos, sqrt, abs, sum, mean, matmul, mm,
                    mv, dot, softmax, log_softmax, clamp, maximum, minimum, pow, neg,
                    transpose, reshape, unsqueeze, squeeze, flatten, max, min, prod,
                    allclose, numel, square, outer)
from ..modes import (no_grad, enable_grad, set_grad_enabled, inference_mode,
                     is_grad_enabled, is_inference_mode_enabled)
from ..tape.engine import detach
from . import autograd, nn, optim

