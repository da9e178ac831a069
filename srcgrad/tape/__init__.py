"""The runtime tape: PyTorch's autograd semantics on NumPy arrays.

``Tensor`` records one node per primitive; ``backward`` walks the nodes and
calls the same rules (:mod:`srcgrad.rules`) the compiler inlines.
"""

from .tensor import Tensor, Size
from . import names as _names, ops as _ops, shapes as _shapes  # noqa: F401
from . import inplace as _inplace  # noqa: F401  (attach methods)
from . import dispatch as _dispatch, methods as _methods  # noqa: F401  (NumPy protocols)
from . import conv as _conv  # noqa: F401  (PyTorch's node names of its primitives)
from . import compat as _compat  # noqa: F401  (random fills, new_* factories)
from .creation import (tensor, as_tensor, zeros, ones, full, empty, zeros_like, ones_like, full_like, randn,
                       rand, randint, randn_like, rand_like, arange, linspace, eye,
                       from_numpy, manual_seed, stack, cat, where, is_tensor, randperm)
from .dtypes import (dtype, float32, float64, float16, int64, int32, int16, int8, uint8,
                     bool, complex64, complex128, float, double, half, long, int)
from .function import Function
from .api import backward, grad
from .functional import (sigmoid, relu, tanh, exp, log, sin, cos, sqrt, abs, sum, mean,
                         matmul, mm, mv, dot, softmax, log_softmax, clamp, maximum,
                         minimum, pow, neg, transpose, reshape, unsqueeze, squeeze,
                         flatten, max, min, prod, allclose, numel, square, outer)
